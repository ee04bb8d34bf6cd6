import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { PhaseRefresher } from '../records/PhaseRefresher';
import { PipelineChanges } from '../followUps/PipelineChanges';
import { PromotionRecords } from '../records/PromotionRecords';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { ATTR } from '../telemetry/attributes';

/**
 * Looks at every phase's source at its interval, on one replica at a time,
 * and follows up what changed, group by group as each is done. Also ends
 * the promotions whose replica stopped, so that their edges are free again.
 * A run waits for its groups at most one interval: a repository that hangs
 * until its deadline holds up neither the next run nor anyone else.
 */
export class RefreshTask {
  private intervalMillis = 60_000;

  constructor(
    private readonly deps: {
      refresher: PhaseRefresher;
      records: PromotionRecords;
      changes: PipelineChanges;
      logger: LoggerService;
      telemetry: GluTelemetry;
    },
  ) {}

  /**
   * A run takes its interval at most (it waits that long for its groups)
   * and the time of a few queries; its timeout adds the lease duration to
   * that. The timeout is also how long the scheduler keeps a run of a
   * replica that died: the next replica takes over after it (and the
   * scheduler's cleanup, once a minute), as it takes over a dead replica's
   * promotions after its lease.
   */
  async schedule(
    scheduler: SchedulerService,
    frequency: HumanDuration,
    leaseMillis: number,
  ) {
    this.intervalMillis = durationToMilliseconds(frequency);
    await scheduler.scheduleTask({
      id: 'glu-refresh',
      frequency,
      timeout: { milliseconds: this.intervalMillis + leaseMillis },
      initialDelay: { seconds: 5 },
      scope: 'global',
      fn: () => this.run(),
    });
  }

  async run(): Promise<void> {
    const { refresher, records, changes, telemetry } = this.deps;
    await telemetry.span(
      'glu.refresh',
      { attributes: { 'glu.refresh.scheduled': true } },
      async span => {
        const abandoned = await records.endAbandoned();
        if (abandoned.length > 0) {
          await changes.changed(abandoned.map(r => r.pipelineRef));
        }
        const changed = await refresher.refresh(undefined, {
          waitMillis: this.intervalMillis,
          onChanges: seen => changes.changed(seen.map(c => c.pipelineRef)),
        });
        span.setAttribute('glu.refresh.changed', changed.length);
      },
    );
  }

  /** Looks at these pipelines' sources now, and follows up what changed. */
  async refreshNow(pipelineRefs: string[]): Promise<void> {
    const { refresher, changes, telemetry } = this.deps;
    await telemetry.span(
      'glu.refresh',
      {
        attributes: {
          'glu.refresh.scheduled': false,
          [ATTR.PIPELINE]: pipelineRefs,
        },
      },
      async span => {
        const changed = await refresher.refresh(pipelineRefs);
        span.setAttribute('glu.refresh.changed', changed.length);
        await changes.changed(changed.map(c => c.pipelineRef));
      },
    );
  }
}
