import { LoggerService } from '@backstage/backend-plugin-api';
import semver from 'semver';
import { DatabaseGluStore } from '../store/DatabaseGluStore';
import { PhaseChange } from './PhaseRefresher';
import { PipelineViews } from './PipelineViews';
import { PromotionService } from './PromotionService';

/** Whether `candidate` is an older version than `current`, by semver. */
export function isOlder(candidate: string, current: string): boolean {
  const a = semver.valid(semver.clean(candidate, { loose: true }) ?? '');
  const b = semver.valid(semver.clean(current, { loose: true }) ?? '');
  return Boolean(a && b && semver.lt(a, b));
}

/**
 * Promotes along edges with `auto: true` when their upstream phase changed.
 * An older version never replaces a newer one by accident: versions that
 * order (semver) are compared, not only told apart.
 */
export class AutoPromoter {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      views: PipelineViews;
      promotions: PromotionService;
      logger: LoggerService;
    },
  ) {}

  async afterRefresh(changes: PhaseChange[]): Promise<void> {
    const pipelines = new Set(changes.map(c => c.pipelineRef));
    for (const pipelineRef of pipelines) {
      await this.promoteDue(pipelineRef);
    }
  }

  /** Promotes every automatic edge of a pipeline that has something to promote. */
  async promoteDue(pipelineRef: string): Promise<void> {
    const { views, promotions, logger } = this.deps;
    // Phases in topological order, so a change can ripple downstream in one go.
    for (let round = 0; round < 50; round++) {
      const view = await views.getPipeline(pipelineRef);
      const due = view.edges.filter(e => e.auto && e.status === 'promotable');
      let promoted = false;
      for (const edge of due) {
        const from = view.phases.find(p => p.name === edge.from)?.state;
        const to = view.phases.find(p => p.name === edge.to)?.state;
        if (from && to && isOlder(from.version, to.version)) {
          logger.info(
            `Not promoting ${pipelineRef} ${edge.from} ${from.version} into ${edge.to}: it holds the newer ${to.version}`,
          );
          continue;
        }
        try {
          const result = await promotions.promote({
            pipelineRef,
            phase: edge.to,
            from: edge.from,
            triggeredBy: 'glu:auto-promotion',
            trigger: 'auto',
          });
          promoted ||= result.status === 'succeeded';
        } catch (error) {
          logger.warn(
            `Automatic promotion of ${pipelineRef} ${edge.from} into ${edge.to} failed: ${error}`,
          );
        }
      }
      if (!promoted) return;
    }
  }
}
