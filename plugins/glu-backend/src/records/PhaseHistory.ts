import { GluObservation } from '@glu-dev/plugin-glu-node';
import { GluStore } from '../store/GluStore';
import { contentHash } from '../store/rows';
import {
  HistoryCause,
  HistoryEntry,
  PhaseState,
  PromotionRecord,
} from '../store/types';
import { PromotionRecords } from './PromotionRecords';
import { resourceOf, versionRefOf } from '../pipelines/resources';
import { activeTraceparent } from '../telemetry/traceContext';

/** A phase whose state changed. */
export interface PhaseChange {
  pipelineRef: string;
  phase: string;
  digest: string;
}

/**
 * Turns what a source saw, or what Glu wrote, into a phase's history: each
 * state once, with who made it and why. A state that changes the file but
 * not the version is history too (a change that kept the version), so that a
 * rollback never undoes what it did not show.
 */
export class PhaseHistory {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases'>;
      records: PromotionRecords;
    },
  ) {}

  /** Whether what a source saw is what the phase is known to hold. */
  isKnown(observation: GluObservation, seen: PhaseState | undefined): boolean {
    const current = seen?.current;
    return (
      current?.digest === resourceOf(observation.fields).digest &&
      (observation.content === undefined ||
        current.blobHash === contentHash(observation.content))
    );
  }

  /**
   * Records what a source saw a phase hold, unless it is what the phase is
   * known to hold. `seen` is the phase's state when the source was asked: if
   * the phase has moved on since (a write was recorded meanwhile), the
   * observation is stale and left out. Call it under the phase's lease.
   */
  async observed(
    pipelineRef: string,
    phase: string,
    observation: GluObservation,
    seen: PhaseState | undefined,
  ): Promise<PhaseChange | undefined> {
    const { store, records } = this.deps;
    const resource = resourceOf(observation.fields);
    const current = seen?.current;
    const sameVersion = current?.digest === resource.digest;
    if (this.isKnown(observation, seen)) {
      await store.phases.markRefreshed(pipelineRef, phase);
      return undefined;
    }
    if (
      observation.revision &&
      (await store.phases.historyHasCommit(
        pipelineRef,
        phase,
        observation.revision,
      ))
    ) {
      // Glu's own write, recorded when it was made.
      await store.phases.markRefreshed(pipelineRef, phase);
      return undefined;
    }
    // A merged pull request of Glu's: the promotion or rollback it carried,
    // by whoever asked for it.
    const claimed = sameVersion
      ? undefined
      : await records.claim(pipelineRef, phase, resource.digest);
    let cause: HistoryCause = current ? 'commit' : 'observed';
    if (claimed) cause = claimed.kind;
    const entry = await store.phases.addHistoryEntry(
      {
        pipelineRef,
        phase,
        resource,
        content: observation.content,
        cause,
        ...(current && sameVersion ? { keptVersion: true } : {}),
        actor: claimed?.triggeredBy ?? observation.actor,
        // A person's commit: its author made the version.
        ...(!claimed && current && observation.actor
          ? { author: observation.actor }
          : {}),
        commitSha: observation.revision,
        commitUrl: observation.url,
        message: claimed?.pullRequest
          ? `Merged pull request #${claimed.pullRequest.number}: ${claimed.pullRequest.url}`
          : observation.message,
        ...(claimed ? { promotionId: claimed.id } : {}),
        observedAt: new Date(),
        // A merged pull request's state is in its promotion's trace, so
        // that what it sets off goes on in the version's; else the
        // refresh's that saw it.
        traceparent: claimed?.traceparent ?? activeTraceparent(),
      },
      { ifStateIs: current?.id ?? null },
    );
    if (!entry) return undefined;
    if (claimed) {
      await records.complete(claimed, {
        sha: observation.revision,
        url: observation.url,
      });
    }
    return { pipelineRef, phase, digest: resource.digest };
  }

  /**
   * Records what a promotion or rollback wrote, as that promotion, and ends
   * the promotion as succeeded: both in one transaction.
   */
  async written(
    record: PromotionRecord,
    observation: GluObservation,
    message: string,
    /** Who made the version, carried from where it came. */
    author?: string,
  ): Promise<{ entry: HistoryEntry; record: PromotionRecord }> {
    const resource = resourceOf(observation.fields);
    const recorded = await this.deps.store.phases.recordWrite(
      {
        pipelineRef: record.pipelineRef,
        phase: record.to,
        resource,
        content: observation.content,
        cause: record.kind,
        actor: record.triggeredBy,
        commitSha: observation.revision,
        commitUrl: observation.url,
        message,
        promotionId: record.id,
        ...(author ? { author } : {}),
        observedAt: new Date(),
        // The promotion's trace: what this state sets off goes on in it.
        traceparent: record.traceparent,
      },
      this.deps.records.transition(record.id, 'succeeded', {
        after: versionRefOf(resource),
        commitSha: observation.revision,
        commitUrl: observation.url,
      }),
    );
    if (recorded.moved) this.deps.records.ended(recorded.record);
    return recorded;
  }

  /** Records a version published to a phase, e.g. by CI. */
  async published(input: {
    pipelineRef: string;
    phase: string;
    fields: Record<string, string>;
    publishedBy: string;
    /** Who made the version, as CI says. */
    author?: string;
    url?: string;
    message?: string;
    /** The publish's span (a W3C traceparent): the version's trace. */
    traceparent?: string;
  }): Promise<HistoryEntry> {
    const entry = await this.deps.store.phases.addHistoryEntry({
      pipelineRef: input.pipelineRef,
      phase: input.phase,
      resource: resourceOf(input.fields),
      cause: 'published',
      actor: input.publishedBy,
      ...(input.author ? { author: input.author } : {}),
      commitUrl: input.url,
      message: input.message,
      observedAt: new Date(),
      traceparent: input.traceparent,
    });
    return entry!;
  }
}
