import { LoggerService } from '@backstage/backend-plugin-api';
import { PromotionStatus } from '@glu-dev/plugin-glu-common';
import { GluStore } from '../store/GluStore';
import { newPromotionId } from '../store/promotionRows';
import { PromotionMove } from '../store/promotionRows';
import { PromotionPatch } from '../store/promotionRows';
import { PromotionRecord } from '../store/types';
import { leaseOfPhase, Leases } from './Leases';
import { errorMessage } from '../errors';
import { GluTelemetry } from '../telemetry/GluTelemetry';

/**
 * The lifecycle of a promotion's record, in one place. By commit:
 * `pending` (waiting for the phase's lease) → `running` → `succeeded`,
 * `up-to-date` or `failed`. By pull request: `running` → `open` → `merged`
 * → `succeeded` once the phase is seen holding the version, or `closed`
 * (without merge) or `superseded` (by a newer proposal). Each status is
 * reached only from the ones listed here, with a conditional update, so a
 * late or repeated step never undoes what another decided.
 */
const REACHED_FROM: Record<PromotionStatus, PromotionStatus[]> = {
  pending: [],
  running: ['pending'],
  'up-to-date': ['pending', 'running'],
  failed: ['pending', 'running'],
  open: ['running'],
  merged: ['open'],
  closed: ['open'],
  superseded: ['open'],
  succeeded: ['running', 'open', 'merged'],
};

/** The statuses of a promotion that has not ended. */
export const UNDER_WAY: PromotionStatus[] = [
  'pending',
  'running',
  'open',
  'merged',
];

/**
 * Creates promotion records and moves them through their lifecycle. A
 * record under way by commit is bound to the lease of its phase: when that
 * lease ends without the record ending (the replica holding it stopped), the
 * record ends as failed, and the edge is free again.
 */
export class PromotionRecords {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'figures' | 'pipelines' | 'promotions'>;
      logger: LoggerService;
      /** The leases that records under way are bound to. */
      leases: Leases;
      /** Told of every record that ends failed (not awaited). */
      onFailed?: (record: PromotionRecord) => Promise<void>;
      /** Counts and times the records that end. */
      telemetry?: GluTelemetry;
    },
  ) {}

  /**
   * A record ended, once (by whichever call moved it there): counted and
   * timed, and a version that arrived by promotion timed from its first
   * phase (in the background).
   */
  ended(record: PromotionRecord): void {
    const { telemetry, store } = this.deps;
    if (!telemetry || UNDER_WAY.includes(record.status)) return;
    telemetry.promotionEnded(record);
    const arrived = record.after;
    if (record.kind !== 'promotion' || record.status !== 'succeeded') return;
    if (!arrived) return;
    telemetry.arrived(record, async () => {
      const pipeline = await store.pipelines.getPipeline(record.pipelineRef);
      const firstPhases = (pipeline?.phases ?? [])
        .filter(p => p.edges.length === 0)
        .map(p => p.name);
      const first = await store.figures.firstHeld(
        record.pipelineRef,
        firstPhases,
        [arrived],
      );
      return first.get(arrived.digest)?.at;
    });
  }

  /** A new record, before it starts; `leaseHolder` is who will work on it. */
  async create(
    draft: Omit<PromotionRecord, 'id' | 'createdAt'> &
      Partial<Pick<PromotionRecord, 'id' | 'createdAt'>>,
    leaseHolder?: string,
  ): Promise<PromotionRecord> {
    const record: PromotionRecord = {
      id: newPromotionId(),
      createdAt: new Date().toISOString(),
      ...draft,
    };
    await this.deps.store.promotions.createPromotion(record, leaseHolder);
    this.ended(record);
    return record;
  }

  /**
   * Moves a record to a status, if it is in one that leads there; answers
   * the record as it is afterwards. Statuses that end it set `finishedAt`.
   */
  async move(
    id: string,
    status: PromotionStatus,
    patch: Omit<PromotionPatch, 'status'> = {},
  ): Promise<PromotionRecord> {
    const move = this.transition(id, status, patch);
    const moved = await this.deps.store.promotions.tryUpdatePromotion(
      move.id,
      move.patch,
      move.onlyIfStatus,
    );
    const record =
      moved ?? (await this.deps.store.promotions.getPromotion(id))!;
    if (moved) this.ended(moved);
    if (
      status === 'failed' &&
      record.status === 'failed' &&
      this.deps.onFailed
    ) {
      this.deps
        .onFailed(record)
        .catch(error =>
          this.deps.logger.warn(
            `Following the failure of promotion ${
              record.id
            } failed: ${errorMessage(error)}`,
          ),
        );
    }
    return record;
  }

  /** The change `move` makes, for a store call that makes it with others. */
  transition(
    id: string,
    status: PromotionStatus,
    patch: Omit<PromotionPatch, 'status'> = {},
  ): PromotionMove {
    const ends = !UNDER_WAY.includes(status);
    return {
      id,
      patch: {
        ...patch,
        status,
        ...(ends && !patch.finishedAt
          ? { finishedAt: new Date().toISOString() }
          : {}),
      },
      onlyIfStatus: REACHED_FROM[status],
    };
  }

  /** Changes what is known of an open pull request, while it is open. */
  async update(id: string, patch: Omit<PromotionPatch, 'status'>) {
    return this.deps.store.promotions.updatePromotion(id, patch, ['open']);
  }

  /** Ends a record that could not be carried out, with the reason. */
  async fail(id: string, error: unknown): Promise<PromotionRecord> {
    return this.move(id, 'failed', { error: errorMessage(error) });
  }

  async get(id: string) {
    return this.deps.store.promotions.getPromotion(id);
  }

  /** The open proposals into a phase, newest first. */
  async openProposals(
    pipelineRef: string,
    phase: string,
  ): Promise<PromotionRecord[]> {
    return (
      await this.deps.store.promotions.pullRequestsInto(pipelineRef, phase)
    ).filter(r => r.status === 'open');
  }

  /**
   * The promotion by pull request that brought a phase to this digest, if
   * one is open or merged: the state that shows the merge is recorded as
   * that promotion.
   */
  async claim(
    pipelineRef: string,
    phase: string,
    digest: string,
  ): Promise<PromotionRecord | undefined> {
    const records = await this.deps.store.promotions.pullRequestsInto(
      pipelineRef,
      phase,
    );
    return records.find(r => r.after?.digest === digest);
  }

  /** Ends a claimed promotion by pull request, with the commit that brought it. */
  async complete(
    record: PromotionRecord,
    commit: { sha?: string; url?: string },
  ): Promise<void> {
    await this.move(record.id, 'succeeded', {
      ...(commit.sha ? { commitSha: commit.sha } : {}),
      ...(commit.url ? { commitUrl: commit.url } : {}),
      ...(record.pullRequest
        ? { pullRequest: { ...record.pullRequest, state: 'merged' } }
        : {}),
      error: '',
    });
  }

  /**
   * Ends the records whose holder is gone: it neither holds the lease of
   * their phase nor waits for it (a holder claims its wait before its record
   * is created). Its replica stopped, or could not end it (the database was
   * down then). Any replica may do it; it changes only what is abandoned.
   */
  async endAbandoned(): Promise<PromotionRecord[]> {
    const { store, logger, leases } = this.deps;
    const ended: PromotionRecord[] = [];
    for (const candidate of await store.promotions.listUnfinishedCommits()) {
      const { record, leaseHolder } = candidate;
      const covered =
        leaseHolder !== undefined &&
        (await leases.covers(
          leaseOfPhase(record.pipelineRef, record.to),
          leaseHolder,
        ));
      if (covered) continue;
      const moved = await this.move(record.id, 'failed', {
        error: 'abandoned: the replica holding it stopped working on it',
      });
      if (moved.status === 'failed') {
        logger.warn(
          `Promotion ${record.id} of ${record.pipelineRef} ${record.to} was abandoned: the replica holding it stopped working on it`,
        );
        ended.push(moved);
      }
    }
    return ended;
  }
}
