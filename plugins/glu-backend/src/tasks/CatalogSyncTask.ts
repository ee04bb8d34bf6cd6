import { SchedulerService } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import { PipelineChanges } from '../followUps/PipelineChanges';
import { PipelineSync } from '../pipelines/PipelineSync';
import { RefreshTask } from './RefreshTask';

/**
 * Learns pipelines from the catalog at an interval: new and changed ones
 * are looked at at once, removed ones disappear from the portal.
 */
export class CatalogSyncTask {
  constructor(
    private readonly deps: {
      sync: PipelineSync;
      refresh: RefreshTask;
      changes: PipelineChanges;
    },
  ) {}

  async schedule(scheduler: SchedulerService, frequency: HumanDuration) {
    await scheduler.scheduleTask({
      id: 'glu-catalog-sync',
      frequency,
      timeout: { minutes: 5 },
      initialDelay: { seconds: 1 },
      scope: 'global',
      fn: () => this.run(),
    });
  }

  async run(): Promise<void> {
    const { sync, refresh, changes } = this.deps;
    const result = await sync.sync();
    const touched = [...result.added, ...result.changed];
    if (touched.length > 0) {
      await refresh.refreshNow(touched);
      changes.signal(touched);
    }
    if (result.removed.length > 0) changes.signal(result.removed);
  }
}
