import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import { PhaseRefresher } from '../engine/PhaseRefresher';
import { PipelineChanges } from '../engine/PipelineChanges';
import { PromotionRecords } from '../engine/PromotionRecords';

/**
 * Looks at every phase's source at its interval, on one replica at a time,
 * and follows up what changed. Also ends the promotions whose replica
 * stopped, so that their edges are free again.
 */
export class RefreshTask {
  constructor(
    private readonly deps: {
      refresher: PhaseRefresher;
      records: PromotionRecords;
      changes: PipelineChanges;
      logger: LoggerService;
    },
  ) {}

  async schedule(scheduler: SchedulerService, frequency: HumanDuration) {
    await scheduler.scheduleTask({
      id: 'glu-refresh',
      frequency,
      timeout: { minutes: 10 },
      initialDelay: { seconds: 5 },
      scope: 'global',
      fn: () => this.run(),
    });
  }

  async run(): Promise<void> {
    const { refresher, records, changes } = this.deps;
    const abandoned = await records.endAbandoned();
    const changed = await refresher.refresh();
    await changes.changed([
      ...abandoned.map(r => r.pipelineRef),
      ...changed.map(c => c.pipelineRef),
    ]);
  }

  /** Looks at these pipelines' sources now, and follows up what changed. */
  async refreshNow(pipelineRefs: string[]): Promise<void> {
    const changed = await this.deps.refresher.refresh(pipelineRefs);
    await this.deps.changes.changed(changed.map(c => c.pipelineRef));
  }
}
