import { SchedulerService } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { Notifier } from '../followUps/Notifier';

/**
 * Looks, at an interval and on one replica at a time, for what has lasted
 * too long or waits for people, and tells the owners (each event once).
 */
export class NotificationsTask {
  constructor(
    private readonly deps: { notifier: Notifier; decisions: EdgeDecisions },
  ) {}

  async schedule(scheduler: SchedulerService, frequency: HumanDuration) {
    await scheduler.scheduleTask({
      id: 'glu-notifications',
      frequency,
      timeout: { minutes: 10 },
      // Not while the backend starts, but soon after.
      initialDelay: frequency,
      scope: 'global',
      fn: async () => {
        await this.scanNow();
      },
    });
  }

  /** Looks now; answers how many notices were sent. */
  async scanNow(): Promise<number> {
    return this.deps.notifier.scan(this.deps.decisions);
  }
}
