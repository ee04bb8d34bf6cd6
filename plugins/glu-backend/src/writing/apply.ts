/*
 * Apply: a decided write carried out through the phase's source, by its
 * strategy: a commit to the phase's branch, or a proposal and its pull
 * request (superseding the older ones); then into the history.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { GluPullRequestProvider } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { PromotionRecord, ResourceState } from '../store/types';
import { HeldLease } from '../records/Leases';
import { PhaseHistory } from '../records/PhaseHistory';
import { PromotionRecords } from '../records/PromotionRecords';
import { resourceOf, versionRefOf } from '../pipelines/resources';
import { announcing } from '../sources/announcedWrites';
import { bodyOf, proposalBranch, providerFor, titleOf } from './proposals';
import { WritePlan } from './plan';

/** Carries out writes that are running, under their phase's lease. */
export class WriteApplier {
  constructor(
    private readonly deps: {
      records: PromotionRecords;
      history: PhaseHistory;
      providers: ExtensionRegistry<GluPullRequestProvider>;
      /** The portal's address, for links in pull requests. */
      portalUrl?: string;
      logger: LoggerService;
    },
  ) {}

  /** A running write, through the phase's source, by its strategy. */
  async carryOut(
    plan: WritePlan,
    running: PromotionRecord,
    holding: ResourceState,
    lease: HeldLease,
  ): Promise<PromotionRecord> {
    const { records, history, logger } = this.deps;
    const { origin, change } = plan;
    if (plan.strategy === 'pull-request') {
      return this.propose(plan, running, holding, lease);
    }
    const seen = plan.snapshot.states.get(plan.phase.name);
    const subject = titleOf(
      plan.kind,
      plan.pipeline,
      plan.phase.name,
      holding.version,
    );
    const request = {
      phase: plan.sourcePhase,
      change,
      message: { subject, body: this.bodyOf(plan, running, holding) },
    };
    const announcer = plan.expected && announcing(plan.source);
    const result = announcer
      ? await announcer.write(request, plan.expected)
      : await plan.source.write(request);
    lease.signal.throwIfAborted();
    if (!result.changed) {
      // It held the change already (another replica's write, or a person's):
      // what it holds becomes known now, not at the next refresh.
      await history.observed(
        plan.pipeline.ref,
        plan.phase.name,
        result.observed,
        seen,
      );
      const held = versionRefOf(resourceOf(result.observed.fields));
      return records.move(running.id, 'up-to-date', { after: held });
    }
    const { entry, record } = await history.written(
      running,
      result.observed,
      plan.kind === 'rollback'
        ? `Rolled back to history entry ${origin.id}`
        : `Promoted from ${plan.from}`,
      // The version's author goes with it.
      origin.author,
    );
    logger.info(
      `${plan.kind === 'rollback' ? 'Rolled back' : 'Promoted'} ${
        plan.pipeline.ref
      } ${plan.phase.name} to ${entry.version} in ${result.observed.revision}`,
    );
    return record;
  }

  /** The commit message's body: what moves from where to where, and who asked. */
  private bodyOf(
    plan: WritePlan,
    record: PromotionRecord,
    holding: ResourceState,
  ): string {
    const { origin } = plan;
    const before = record.before;
    return [
      `Pipeline: ${plan.pipeline.ref}`,
      plan.kind === 'rollback'
        ? `From: history entry ${origin.id} of ${plan.phase.name}, ${origin.version} (${origin.digest})`
        : `From: ${plan.from} at ${origin.version} (${origin.digest})`,
      `To: ${plan.phase.name}, ${holding.version} (${holding.digest})${
        before ? `, was ${before.version} (${before.digest})` : ''
      }`,
      `File: ${plan.location.path}`,
      `Triggered-by: ${record.triggeredBy}`,
      ...(record.reason ? [`Reason: ${record.reason}`] : []),
      ...(record.approvedBy ?? []).map(approver => `Approved-by: ${approver}`),
      ...(record.requestId ? [`Glu-Request: ${record.requestId}`] : []),
      ...(plan.traceId ? [`Glu-Trace-Id: ${plan.traceId}`] : []),
      `${plan.kind === 'rollback' ? 'Rollback' : 'Promotion'}: ${record.id}`,
    ].join('\n');
  }

  /**
   * Writes the change as a proposal and opens its pull request, replacing
   * the open proposals of other versions into the phase.
   */
  private async propose(
    plan: WritePlan,
    record: PromotionRecord,
    holding: ResourceState,
    lease: HeldLease,
  ): Promise<PromotionRecord> {
    const { records, logger } = this.deps;
    const { location } = plan;
    const provider = providerFor(
      this.deps.providers,
      location,
      plan.pullRequest,
    );
    const branch = proposalBranch(
      plan.pipeline,
      plan.phase.name,
      holding.digest,
    );
    const title = titleOf(
      plan.kind,
      plan.pipeline,
      plan.phase.name,
      holding.version,
    );
    const older = await records.openProposals(
      plan.pipeline.ref,
      plan.phase.name,
    );
    const result = await plan.source.write({
      phase: plan.sourcePhase,
      change: plan.change,
      message: { subject: title, body: this.bodyOf(plan, record, holding) },
      proposal: { branch },
    });
    lease.signal.throwIfAborted();
    const proposed = versionRefOf(holding)!;
    if (!result.changed) {
      // The phase's branch holds it already: nothing to propose.
      return records.move(record.id, 'up-to-date', { after: proposed });
    }
    const pr = await provider.open({
      repository: location.repository,
      base: location.branch,
      head: branch,
      title,
      body: bodyOf({
        record: { ...record, commitSha: result.observed.revision },
        pipeline: plan.pipeline,
        location,
        options: plan.pullRequest,
        origin: plan.origin,
        proposed,
        portalUrl: this.deps.portalUrl,
        branchCommitUrl: result.observed.url,
      }),
      labels: plan.pullRequest.labels,
      draft: plan.pullRequest.draft,
    });
    const opened = await records.move(record.id, 'open', {
      after: proposed,
      commitSha: result.observed.revision,
      commitUrl: result.observed.url,
      pullRequest: {
        provider: provider.type,
        number: pr.number,
        url: pr.url,
        branch,
        state: pr.state,
        headSha: pr.headSha,
      },
    });
    logger.info(
      `Opened ${pr.url} to ${
        plan.kind === 'rollback' ? 'roll back' : 'promote'
      } ${plan.pipeline.ref} ${plan.phase.name} to ${proposed.version}`,
    );
    for (const replaced of older) {
      await this.supersede(plan, replaced, opened);
    }
    return opened;
  }

  /** Closes an older proposal with a comment that links the newer one. */
  private async supersede(
    plan: WritePlan,
    older: PromotionRecord,
    newer: PromotionRecord,
  ) {
    const { records, logger } = this.deps;
    const pr = older.pullRequest;
    if (!pr) return;
    // Marked first, so that following it does not take the close for a
    // person's.
    await records.move(older.id, 'superseded', {
      pullRequest: { ...pr, state: 'closed' },
      error: `Superseded by ${newer.pullRequest!.url}`,
    });
    try {
      await this.deps.providers.get(pr.provider)?.close({
        repository: plan.location.repository,
        number: pr.number,
        comment: `Superseded by #${newer.pullRequest!.number} (${
          newer.pullRequest!.url
        }), which ${newer.kind === 'rollback' ? 'rolls' : 'promotes'} ${
          older.to
        } to \`${newer.after!.version}\` instead of \`${
          older.after?.version
        }\`.`,
      });
      await plan.source
        .removeProposal?.(plan.sourcePhase, pr.branch)
        .catch(error =>
          logger.warn(`Could not delete the branch ${pr.branch}: ${error}`),
        );
    } catch (error) {
      logger.warn(
        `Could not close ${pr.url}, superseded by ${newer.pullRequest!.url}: ${
          error instanceof Error ? error.message : error
        }`,
      );
    }
  }
}
