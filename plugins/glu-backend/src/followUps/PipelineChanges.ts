import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  GLU_SIGNAL_BATCH,
  GLU_SIGNAL_CHANNEL,
  GluPipelineSignal,
} from '@glu-dev/plugin-glu-common';
import { Batcher } from '../batcher';
import { AutoPromoter } from './AutoPromoter';

/** How long changes are gathered into the same signals. */
const SIGNAL_WINDOW_MILLIS = 20;

/**
 * What happens after pipelines change, whatever changed them (a refresh, a
 * write, a published version, a pin, an approval, the catalog): the
 * automatic promotions that the change makes due, then a signal that names
 * the pipelines, so the portal shows them.
 */
export class PipelineChanges {
  /** Automatic promotions under way in this replica, by pipeline. */
  private readonly promoting = new Map<string, Promise<void>>();
  /** Pipelines that changed again while their promotions were under way. */
  private readonly again = new Set<string>();

  constructor(
    private readonly deps: {
      autoPromoter: AutoPromoter;
      signals?: SignalsService;
      logger: LoggerService;
    },
  ) {}

  /** Promotes what is automatic in these pipelines, and tells the portal. */
  async changed(
    pipelineRefs: string[],
    options: { promote?: boolean } = {},
  ): Promise<void> {
    const refs = [...new Set(pipelineRefs)];
    if (options.promote !== false) {
      for (const ref of refs) await this.promote(ref);
    }
    this.signal(refs);
  }

  /**
   * The automatic promotions of one pipeline. Changes that arrive while they
   * are under way are followed by one more round, not one round each.
   */
  private promote(ref: string): Promise<void> {
    const { autoPromoter, logger } = this.deps;
    const running = this.promoting.get(ref);
    if (running) {
      this.again.add(ref);
      return running;
    }
    const round = (async () => {
      do {
        this.again.delete(ref);
        try {
          await autoPromoter.promoteDue(ref);
        } catch (error) {
          logger.warn(`Automatic promotion of ${ref} failed: ${error}`);
        }
      } while (this.again.has(ref));
    })().finally(() => this.promoting.delete(ref));
    this.promoting.set(ref, round);
    return round;
  }

  /**
   * The same, without making the caller wait (an API request that answers
   * at once); failures are logged.
   */
  changedInBackground(pipelineRefs: string[]): void {
    this.changed(pipelineRefs).catch(error =>
      this.deps.logger.warn(`Following a change failed: ${error}`),
    );
  }

  /**
   * Tells the portal that these pipelines changed: one signal for up to
   * GLU_SIGNAL_BATCH of them, not one each, and the changes of the same
   * moment (within SIGNAL_WINDOW_MILLIS: the promotions of one commit) in
   * the same signals.
   */
  signal(pipelineRefs: string[]): void {
    // Sent within the window, without making the change wait for it; a
    // signal that cannot be sent is logged where it is published.
    if (pipelineRefs.length > 0) {
      this.gathered.add(pipelineRefs).catch(() => {});
    }
  }

  private readonly gathered = new Batcher<string[], void>(
    async batches => {
      await this.publish(batches.flat());
      return batches.map(() => undefined);
    },
    { windowMillis: SIGNAL_WINDOW_MILLIS },
  );

  private async publish(pipelineRefs: string[]): Promise<void> {
    const { signals, logger } = this.deps;
    const refs = [...new Set(pipelineRefs)];
    for (let i = 0; i < refs.length; i += GLU_SIGNAL_BATCH) {
      const message: GluPipelineSignal = {
        pipelineRefs: refs.slice(i, i + GLU_SIGNAL_BATCH),
      };
      await signals
        ?.publish({
          recipients: { type: 'broadcast' },
          channel: GLU_SIGNAL_CHANNEL,
          message,
        })
        .catch(error => logger.debug(`Could not signal a change: ${error}`));
    }
  }
}
