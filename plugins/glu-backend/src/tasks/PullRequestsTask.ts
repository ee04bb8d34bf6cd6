import { SchedulerService } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import { PhaseRefresher } from '../records/PhaseRefresher';
import { PipelineChanges } from '../followUps/PipelineChanges';
import { PullRequestFollower } from '../followUps/PullRequestFollower';

/**
 * Follows Glu's open pull requests at an interval (and at once when a
 * webhook says one changed). A merge lands in the repository: the phases of
 * the pipelines whose pull requests changed are refreshed right away.
 */
export class PullRequestsTask {
  constructor(
    private readonly deps: {
      follower: PullRequestFollower;
      refresher: PhaseRefresher;
      changes: PipelineChanges;
    },
  ) {}

  async schedule(scheduler: SchedulerService, frequency: HumanDuration) {
    await scheduler.scheduleTask({
      id: 'glu-pull-requests',
      frequency,
      timeout: { minutes: 10 },
      initialDelay: { seconds: 10 },
      scope: 'global',
      fn: () => this.followNow(),
    });
  }

  /** Follows the open pull requests (of these pipelines) now. */
  async followNow(pipelineRefs?: string[]): Promise<void> {
    const { follower, refresher, changes } = this.deps;
    const changed = await follower.follow(pipelineRefs);
    if (changed.length === 0) return;
    await refresher.refresh(changed);
    // Signals for the pull requests too, not only for new states.
    await changes.changed(changed);
  }
}
