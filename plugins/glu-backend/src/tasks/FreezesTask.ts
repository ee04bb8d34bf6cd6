import { SchedulerService } from '@backstage/backend-plugin-api';
import { FreezeFollowUp } from '../freezing/FreezeFollowUp';

/** How often a replica looks whether freezes started or ended. */
export const FREEZE_LOOK_SECONDS = 10;

/**
 * Looks whether freezes started or ended by themselves (an end time, a
 * recurrence), on one replica at a time, and follows them up: what waited
 * for a freeze to end goes on within FREEZE_LOOK_SECONDS of its end.
 */
export class FreezesTask {
  constructor(private readonly deps: { followUp: FreezeFollowUp }) {}

  async schedule(scheduler: SchedulerService) {
    await scheduler.scheduleTask({
      id: 'glu-freezes',
      frequency: { seconds: FREEZE_LOOK_SECONDS },
      timeout: { minutes: 5 },
      scope: 'global',
      fn: async () => {
        await this.deps.followUp.look();
      },
    });
  }
}
