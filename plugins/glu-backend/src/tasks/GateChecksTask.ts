import { SchedulerService } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';
import { GateChecker } from '../followUps/GateChecker';

/**
 * Checks the gates that observe the running system (an Argo CD
 * application's health, an endpoint) at an interval, on one replica at a
 * time, so that decisions read their answers from the store and never wait
 * on them.
 */
export class GateChecksTask {
  constructor(private readonly deps: { checker: GateChecker }) {}

  async schedule(scheduler: SchedulerService, frequency: HumanDuration) {
    await scheduler.scheduleTask({
      id: 'glu-gate-checks',
      frequency,
      timeout: { minutes: 10 },
      initialDelay: { seconds: 10 },
      scope: 'global',
      fn: async () => {
        await this.checkNow();
      },
    });
  }

  /** Checks the gates that observe (of these pipelines) now. */
  async checkNow(pipelineRefs?: string[]): Promise<string[]> {
    return this.deps.checker.check(pipelineRefs);
  }
}
