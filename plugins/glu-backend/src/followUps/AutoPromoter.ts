import { LoggerService } from '@backstage/backend-plugin-api';
import { GluStore } from '../store/GluStore';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { PhaseWriter } from '../writing/PhaseWriter';
import { BlockedWriteError } from '../writing/plan';
import { errorMessage } from '../errors';
import { PromotionRequest } from '@glu-dev/plugin-glu-common';

/** Who automatic promotions are recorded as. */
export const AUTO_PROMOTION_ACTOR = 'glu:auto-promotion';

/**
 * Promotes along edges with `auto: true` that the edge decision finds
 * promotable, unless it declines them (`autoDeclined`: an older version
 * never replaces a newer one by accident); and carries out the open
 * promotion requests whose edges are promotable now (their approval policy
 * met), in their requesters' names.
 */
export class AutoPromoter {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'pipelines' | 'requests'>;
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
      if (!pipeline) return wrote;
      const snapshot = await decisions.snapshot(pipeline);
      // Nothing to decide where no edge is automatic and none is asked for.
      if (
        snapshot.requests.length === 0 &&
        !pipeline.phases.some(p => p.edges.some(e => e.auto))
      ) {
        return wrote;
      }
      const due = (await decisions.decideAll(snapshot)).filter(
        d => (d.edge.auto || d.request) && d.decision.status === 'promotable',
      );
      // The edges due together are promoted together: writes into one
      // repository at the same moment share one commit.
      const written = await Promise.all(
        due.map(async ({ edge, to, autoDeclined, request }) => {
          if (request) return this.carryOut(pipelineRef, request);
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

  /**
   * Carries out a request whose policy is met: a promotion by its requester,
   * with the approvers counted; the request ends with it, or stays open
   * while something else holds it back.
   */
  private async carryOut(
    pipelineRef: string,
    request: PromotionRequest,
  ): Promise<boolean> {
    const { store, writer, logger } = this.deps;
    try {
      const record = await writer.promote({
        pipelineRef,
        phase: request.to,
        from: request.from,
        triggeredBy: request.requestedBy,
        trigger: 'manual',
        requestId: request.id,
      });
      await store.requests.endRequest(
        request.id,
        record.status === 'failed'
          ? { status: 'failed', promotionId: record.id, error: record.error }
          : { status: 'carried-out', promotionId: record.id },
        new Date(),
      );
      logger.info(
        `Carried out the promotion request ${request.id} of ${request.requestedBy}: ${pipelineRef} ${request.from} into ${request.to}, ${record.status}`,
      );
      return record.status === 'succeeded';
    } catch (error) {
      if (error instanceof BlockedWriteError) return false;
      await store.requests
        .endRequest(
          request.id,
          { status: 'failed', error: errorMessage(error) },
          new Date(),
        )
        .catch(() => undefined);
      logger.warn(
        `The promotion request ${
          request.id
        } of ${pipelineRef} failed: ${errorMessage(error)}`,
      );
      return false;
    }
  }
}
