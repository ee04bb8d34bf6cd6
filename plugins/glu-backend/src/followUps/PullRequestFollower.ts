import { LoggerService } from '@backstage/backend-plugin-api';
import { PullRequestRef } from '@glu-dev/plugin-glu-common';
import { GluPullRequestProvider } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { GluStore } from '../store/GluStore';
import { PromotionRecord } from '../store/types';
import { Decision } from '../deciding/decision';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { edgeOfWrite } from '../pipelines/edges';
import { PhaseSources } from '../pipelines/PhaseSources';
import { PromotionRecords } from '../records/PromotionRecords';
import {
  GATES_STATUS_CONTEXT,
  pipelineUrl,
  titleOf,
} from '../writing/proposals';
import { errorMessage } from '../errors';
import {
  ATTR,
  outcomeAttributes,
  recordAttributes,
  repositoryUrlOf,
} from '../telemetry/attributes';
import { GluTelemetry } from '../telemetry/GluTelemetry';

/**
 * Follows every open pull request of Glu's: notes merges and closes,
 * refreshes the checks of those whose gates look at them, puts the gates'
 * verdict on the head as the commit status `glu/gates`, and merges those
 * whose edge merges automatically once the edge decision says nothing else
 * stands in the way. The phase changes when a refresh sees the merge.
 */
export class PullRequestFollower {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pipelines' | 'promotions'>;
      records: PromotionRecords;
      decisions: EdgeDecisions;
      sources: PhaseSources;
      providers: ExtensionRegistry<GluPullRequestProvider>;
      portalUrl?: string;
      logger: LoggerService;
      telemetry: GluTelemetry;
    },
  ) {}

  /** Follows the open pull requests (of some pipelines); answers those that changed. */
  async follow(pipelineRefs?: string[]): Promise<string[]> {
    const { store, logger } = this.deps;
    const changed = new Set<string>();
    const records = (await store.promotions.listOpenPullRequests()).filter(
      r =>
        r.pullRequest &&
        (!pipelineRefs || pipelineRefs.includes(r.pipelineRef)),
    );
    for (const record of records) {
      try {
        if (await this.traced(record)) changed.add(record.pipelineRef);
      } catch (error) {
        logger.warn(
          `Could not follow ${record.pullRequest!.url}: ${errorMessage(error)}`,
        );
      }
    }
    return [...changed];
  }

  /** Follows one pull request in a span linked to its promotion's. */
  private traced(record: PromotionRecord): Promise<boolean> {
    return this.deps.telemetry.span(
      'glu.pull_request.follow',
      {
        links: [record.traceparent],
        attributes: recordAttributes(record),
      },
      async span => {
        const changed = await this.followOne(record);
        span.setAttribute('glu.pull_request.changed', changed);
        return changed;
      },
    );
  }

  private async followOne(record: PromotionRecord): Promise<boolean> {
    const { store, records, decisions, sources, logger } = this.deps;
    const pr = record.pullRequest!;
    const pipeline = await store.pipelines.getPipeline(record.pipelineRef);
    const phase = pipeline?.phases.find(p => p.name === record.to);
    if (!pipeline || !phase) return false;
    const location = sources.locate(pipeline, phase);
    if (!location) return false;
    const { repository } = location;
    if (record.status === 'merged') {
      // Merged while the phase already held the version: no new state will
      // show it, so it ends here.
      const held = (await store.phases.getPhaseState(pipeline.ref, record.to))
        ?.current;
      if (!held || held.digest !== record.after?.digest) return false;
      await records.complete(record, {
        sha: pr.mergeCommitSha,
        url: held.commitUrl,
      });
      return true;
    }
    const provider = this.deps.providers.get(pr.provider);
    if (!provider) return false;
    const seen = await provider.get({ repository, number: pr.number });
    // Each change only from `open`: a promotion that superseded this one,
    // or a refresh that saw the merge, may have moved it on meanwhile.
    if (seen.state === 'closed') {
      await records.move(record.id, 'closed', {
        pullRequest: { ...pr, state: 'closed', headSha: seen.headSha },
        error: `The pull request ${pr.url} was closed without merging`,
      });
      return true;
    }
    if (seen.state === 'merged') {
      await records.move(record.id, 'merged', {
        pullRequest: {
          ...pr,
          state: 'merged',
          headSha: seen.headSha,
          mergeCommitSha: seen.mergeCommitSha,
        },
      });
      return true;
    }

    const edge = edgeOfWrite(phase, record);
    const gates = (edge?.gates ?? []).filter(
      g => record.kind !== 'rollback' || 'checks' in g,
    );
    const autoMerge = edge?.pullRequest?.autoMerge;
    let current: PullRequestRef = { ...pr, headSha: seen.headSha };
    if (gates.some(g => 'checks' in g) || autoMerge) {
      // Glu's own status is not one of the checks its gates wait for.
      const checks = await provider.checks({ repository, sha: seen.headSha });
      current = {
        ...current,
        checks: checks.filter(c => c.name !== GATES_STATUS_CONTEXT),
      };
    }
    let changed = await this.save(record, pr, current);
    if (!autoMerge && gates.length === 0) return changed;

    // The edge decision, on what the store holds now (this pull request's
    // checks included).
    const snapshot = await decisions.snapshot(pipeline);
    const decision: Decision =
      record.kind === 'rollback'
        ? await decisions.decideRollback(snapshot, phase, {
            digest: record.after!.digest,
            version: record.after!.version,
            fields: {},
          })
        : (
            await decisions.decideEdge(snapshot, phase, edge!, {
              hotfix: Boolean(record.hotfix),
            })
          ).decision;
    const proposes =
      decision.status === 'in-progress' && decision.promotionId === record.id;
    const waitingFor = proposes
      ? decision.reasons
      : [
          `${record.from} holds another version now; promote again to replace this pull request`,
        ];

    // The verdict as a commit status on the head, so that branch protection
    // can hold a merge by hand until the gates pass.
    if (decision.gates.length > 0 && provider.setStatus) {
      const status = {
        sha: seen.headSha,
        state:
          waitingFor.length > 0 ? ('pending' as const) : ('success' as const),
        description:
          waitingFor.length > 0
            ? waitingFor.join('; ')
            : `${decision.gates.map(g => g.type).join(', ')}: passed`,
      };
      if (JSON.stringify(status) !== JSON.stringify(pr.gatesStatus)) {
        await provider.setStatus({
          repository,
          sha: status.sha,
          context: GATES_STATUS_CONTEXT,
          state: status.state,
          description: status.description,
          url: pipelineUrl(this.deps.portalUrl, pipeline),
        });
        current = { ...current, gatesStatus: status };
        changed = (await this.save(record, pr, current)) || changed;
      }
    }
    if (!autoMerge) return changed;
    if (waitingFor.length > 0) {
      const why = `Waiting to merge: ${waitingFor.join('; ')}`;
      if (record.error === why) return changed;
      await records.update(record.id, { error: why });
      return true;
    }
    // A newer promotion may have replaced it while the gates were read.
    if ((await records.get(record.id))?.status !== 'open') return changed;
    // The merge goes on in the promotion's trace: the version's.
    return this.deps.telemetry.span(
      'glu.pull_request.merge',
      {
        parent: record.traceparent,
        attributes: {
          ...recordAttributes(record),
          [ATTR.CHANGE_ID]: String(pr.number),
          [ATTR.PROVIDER]: pr.provider,
          [ATTR.HEAD_NAME]: pr.branch,
          [ATTR.BASE_NAME]: location.branch,
          [ATTR.REPOSITORY]: repositoryUrlOf(repository),
          'glu.pull_request.merge_method': autoMerge,
        },
      },
      async span => {
        const merged = await provider.merge({
          repository,
          number: pr.number,
          sha: seen.headSha,
          method: autoMerge,
          title: `${titleOf(
            record.kind,
            pipeline,
            record.to,
            record.after?.version,
          )} (#${pr.number})`,
        });
        logger.info(`Merged ${pr.url}: every gate passed`);
        const moved = await records.move(record.id, 'merged', {
          pullRequest: {
            ...current,
            state: 'merged',
            mergeCommitSha: merged.sha,
          },
          error: '',
        });
        span.setAttributes(outcomeAttributes(moved));
        return true;
      },
    );
  }

  /** Stores what is known of the pull request now, if it changed. */
  private async save(
    record: PromotionRecord,
    before: PullRequestRef,
    now: PullRequestRef,
  ): Promise<boolean> {
    if (JSON.stringify(now) === JSON.stringify(before)) return false;
    await this.deps.records.update(record.id, { pullRequest: now });
    return true;
  }
}
