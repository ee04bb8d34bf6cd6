import { LoggerService } from '@backstage/backend-plugin-api';
import { GluStore } from '../store/GluStore';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { PhaseWriter } from '../writing/PhaseWriter';

/** Who automatic promotions are recorded as. */
export const AUTO_PROMOTION_ACTOR = 'glu:auto-promotion';

/**
 * Promotes along edges with `auto: true` that the edge decision finds
 * promotable, unless it declines them (`autoDeclined`: an older version
 * never replaces a newer one by accident).
 */
export class AutoPromoter {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'pipelines'>;
      decisions: EdgeDecisions;
      writer: PhaseWriter;
      logger: LoggerService;
    },
  ) {}

  /**
   * Promotes every automatic edge of a pipeline that has something to
   * promote; a change ripples downstream, phase after phase, in one call.
   * Answers whether anything was written.
   */
  async promoteDue(pipelineRef: string): Promise<boolean> {
    const { store, decisions, writer, logger } = this.deps;
    let wrote = false;
    for (let round = 0; round < 50; round++) {
      const pipeline = await store.pipelines.getPipeline(pipelineRef);
      // Nothing to decide where no edge is automatic.
      if (!pipeline?.phases.some(p => p.edges.some(e => e.auto))) {
        return wrote;
      }
      const snapshot = await decisions.snapshot(pipeline);
      const due = (await decisions.decideAll(snapshot)).filter(
        d => d.edge.auto && d.decision.status === 'promotable',
      );
      // The edges due together are promoted together: writes into one
      // repository at the same moment share one commit.
      const written = await Promise.all(
        due.map(async ({ edge, to, autoDeclined }) => {
          if (autoDeclined) {
            logger.info(
              `Not promoting ${pipelineRef} automatically: ${autoDeclined}`,
            );
            return false;
          }
          try {
            const result = await writer.promote({
              pipelineRef,
              phase: to.name,
              from: edge.from,
              triggeredBy: AUTO_PROMOTION_ACTOR,
              trigger: 'auto',
            });
            return result.status === 'succeeded';
          } catch (error) {
            logger.warn(
              `Automatic promotion of ${pipelineRef} ${edge.from} into ${to.name} failed: ${error}`,
            );
            return false;
          }
        }),
      );
      const promoted = written.some(Boolean);
      wrote ||= promoted;
      if (!promoted) return wrote;
    }
    return wrote;
  }
}
