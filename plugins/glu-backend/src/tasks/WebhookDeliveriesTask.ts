import { SchedulerService } from '@backstage/backend-plugin-api';
import { Deliveries } from '../triggers/Deliveries';

/**
 * Forgets, every hour and on one replica at a time, the webhook deliveries
 * received before the replay window, so that what is remembered stays
 * bounded by what arrives within it.
 */
export class WebhookDeliveriesTask {
  constructor(private readonly deps: { deliveries: Deliveries }) {}

  async schedule(scheduler: SchedulerService) {
    await scheduler.scheduleTask({
      id: 'glu-webhook-deliveries',
      frequency: { hours: 1 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        await this.pruneNow();
      },
    });
  }

  /** Forgets them now; answers how many. */
  async pruneNow(): Promise<number> {
    return this.deps.deliveries.forgetOld();
  }
}
