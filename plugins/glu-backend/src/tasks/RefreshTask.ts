import {
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { PhaseRefresher, RefreshShard } from '../records/PhaseRefresher';
import { PipelineChanges } from '../followUps/PipelineChanges';
import { PromotionRecords } from '../records/PromotionRecords';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { ATTR } from '../telemetry/attributes';

/** The most parts the scheduled refresh may be split into. */
const MAX_SHARDS = 64;

/** `glu.refreshShards`: how many parts the scheduled refresh has. */
export function refreshShardsOf(config: RootConfigService): number {
  const shards = config.getOptionalNumber('glu.refreshShards') ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new InputError(
      `glu.refreshShards must be a whole number from 1 to ${MAX_SHARDS}, not ${shards}`,
    );
  }
  return shards;
}

/**
 * Looks at every phase's source at its interval and follows up what
 * changed, group by group as each is done. The groups (repositories,
 * registries) are split into `shards` parts, each a global scheduler task
 * of its own: one replica at a time runs a part, and the replicas share the
 * parts. The first part also ends the promotions whose replica stopped, so
 * that their edges are free again. A run waits for its groups at most one
 * interval: a repository that hangs until its deadline holds up neither the
 * next run nor anyone else.
 */
export class RefreshTask {
  private intervalMillis = 60_000;

  constructor(
    private readonly deps: {
      refresher: PhaseRefresher;
      records: PromotionRecords;
      changes: PipelineChanges;
      logger: LoggerService;
      telemetry: GluTelemetry;
    },
  ) {}

  /**
   * A run takes its interval at most (it waits that long for its groups)
   * and the time of a few queries; its timeout adds the lease duration to
   * that. The timeout is also how long the scheduler keeps a run of a
   * replica that died: the next replica takes over after it (and the
   * scheduler's cleanup, once a minute), as it takes over a dead replica's
   * promotions after its lease.
   */
  async schedule(
    scheduler: SchedulerService,
    frequency: HumanDuration,
    leaseMillis: number,
    options: { shards?: number } = {},
  ) {
    this.intervalMillis = durationToMilliseconds(frequency);
    const count = options.shards ?? 1;
    for (let index = 0; index < count; index++) {
      await scheduler.scheduleTask({
        // One part keeps the task's name from before there were parts.
        id:
          count === 1 ? 'glu-refresh' : `glu-refresh-${index + 1}-of-${count}`,
        frequency,
        timeout: { milliseconds: this.intervalMillis + leaseMillis },
        initialDelay: { seconds: 5 },
        scope: 'global',
        fn: () => this.run(count === 1 ? undefined : { index, count }),
      });
    }
  }

  /** One part of the scheduled refresh (all of it, when not split). */
  async run(shard?: RefreshShard): Promise<void> {
    const { refresher, records, changes, telemetry } = this.deps;
    await telemetry.span(
      'glu.refresh',
      {
        attributes: {
          'glu.refresh.scheduled': true,
          ...(shard
            ? { 'glu.refresh.shard': `${shard.index + 1}/${shard.count}` }
            : {}),
        },
      },
      async span => {
        if (!shard || shard.index === 0) {
          const abandoned = await records.endAbandoned();
          if (abandoned.length > 0) {
            await changes.changed(abandoned.map(r => r.pipelineRef));
          }
        }
        const changed = await refresher.refresh(undefined, {
          waitMillis: this.intervalMillis,
          shard,
          onChanges: seen => changes.changed(seen.map(c => c.pipelineRef)),
        });
        span.setAttribute('glu.refresh.changed', changed.length);
      },
    );
  }

  /** Looks at these pipelines' sources now, and follows up what changed. */
  async refreshNow(pipelineRefs: string[]): Promise<void> {
    const { refresher, changes, telemetry } = this.deps;
    await telemetry.span(
      'glu.refresh',
      {
        attributes: {
          'glu.refresh.scheduled': false,
          [ATTR.PIPELINE]: pipelineRefs,
        },
      },
      async span => {
        const changed = await refresher.refresh(pipelineRefs);
        span.setAttribute('glu.refresh.changed', changed.length);
        await changes.changed(changed.map(c => c.pipelineRef));
      },
    );
  }
}
