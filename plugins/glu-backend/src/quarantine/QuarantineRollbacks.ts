import { LoggerService } from '@backstage/backend-plugin-api';
import { Quarantine } from '@glu-dev/plugin-glu-common';
import { errorMessage } from '../errors';
import { Notifier } from '../followUps/Notifier';
import { PhaseSources } from '../pipelines/PhaseSources';
import { GluStore } from '../store/GluStore';
import { HoldingPhase, StoredQuarantine } from '../store/QuarantineStore';
import { PhaseWriter } from '../writing/PhaseWriter';
import { quarantines } from './Quarantines';

type Outcome = NonNullable<Quarantine['rollbacks']>[number];

/**
 * Rolls back the phases that hold a quarantined version, each to the last
 * version it held before that is not quarantined itself, through its own
 * strategy, pinned there: as a health gate's automatic rollback does. A
 * phase whose source Glu cannot write is listed with why.
 */
export class QuarantineRollbacks {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'pipelines' | 'phases'>;
      sources: PhaseSources;
      writer: PhaseWriter;
      notifier?: Notifier;
      logger: LoggerService;
    },
  ) {}

  async rollBack(
    quarantine: StoredQuarantine,
    holding: HoldingPhase[],
    active: StoredQuarantine[],
  ): Promise<Outcome[]> {
    return Promise.all(
      holding.map(phase => this.rollBackOne(quarantine, phase, active)),
    );
  }

  private async rollBackOne(
    quarantine: StoredQuarantine,
    held: HoldingPhase,
    active: StoredQuarantine[],
  ): Promise<Outcome> {
    const { store, sources, writer, logger } = this.deps;
    const at = { pipelineRef: held.pipelineRef, phase: held.phase };
    const pipeline = await store.pipelines.getPipeline(held.pipelineRef);
    const phase = pipeline?.phases.find(p => p.name === held.phase);
    if (!pipeline || !phase) return { ...at, error: 'no longer defined' };
    if (!sources.writable(phase)) {
      return {
        ...at,
        error: `its ${phase.source.type} source is read-only: nothing to roll back`,
      };
    }
    const history = await store.phases.listHistory(
      held.pipelineRef,
      held.phase,
      {
        limit: 100,
      },
    );
    const before = history.items.find(
      entry =>
        entry.digest !== held.digest &&
        !active.some(q => quarantines(q, held.pipelineRef, entry)),
    );
    if (!before) {
      return {
        ...at,
        error: 'it held no version before that is not quarantined',
      };
    }
    try {
      const record = await writer.rollback({
        pipelineRef: held.pipelineRef,
        phase: held.phase,
        historyId: before.id,
        pinReason: `quarantined: ${held.version} — ${quarantine.reason} (quarantine ${quarantine.id})`,
        triggeredBy: quarantine.quarantinedBy,
        trigger: 'auto',
      });
      logger.info(
        `Rolled ${held.pipelineRef} ${held.phase} back from the quarantined ${held.version} to ${before.version}`,
      );
      if (record.status !== 'failed') {
        await this.deps.notifier
          ?.rolledBack(
            pipeline,
            record,
            `${held.version} was quarantined: ${quarantine.reason}`,
          )
          .catch(() => undefined);
      }
      return { ...at, promotionId: record.id, status: record.status };
    } catch (error) {
      return { ...at, error: errorMessage(error) };
    }
  }
}
