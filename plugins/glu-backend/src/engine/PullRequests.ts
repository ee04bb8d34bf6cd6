import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitSourceDefinition,
  PhaseDefinition,
  PipelineDefinition,
  PullRequestOptions,
  PullRequestRef,
} from '@glu-dev/plugin-glu-common';
import { GluGate, GluPullRequestProvider } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { commitUrlOf } from '../sources/git/GitCredentials';
import { GitRepositories } from '../sources/git/GitRepositories';
import { DatabaseGluStore, newPromotionId } from '../store/DatabaseGluStore';
import { HistoryEntry, PromotionRecord, VersionRef } from '../store/types';
import { evaluateGates } from './gates';
import { versionRefOf } from './resources';

/** What a promotion or rollback by pull request proposes. */
export interface Proposal {
  pipeline: PipelineDefinition;
  phase: PhaseDefinition;
  source: GitSourceDefinition;
  /** The edge's options; none are set by default. */
  options?: PullRequestOptions;
  kind: PromotionRecord['kind'];
  /** The upstream phase (the phase itself for a rollback). */
  from: string;
  /** What is proposed: the version the phase will hold. */
  proposed: VersionRef;
  /** The upstream state it comes from (promotions), or the history entry (rollbacks). */
  origin: HistoryEntry;
  /** What the phase holds now. */
  before?: VersionRef;
  /** The new content of the phase's file, from its current content. */
  apply(content: string): Promise<string>;
  triggeredBy: string;
  trigger: PromotionRecord['trigger'];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The commit status that says whether every gate of a promotion passes. */
export const GATES_STATUS_CONTEXT = 'glu/gates';

/** An edge's pull-request options when it sets none. */
const NO_OPTIONS: PullRequestOptions = {
  labels: [],
  draft: false,
  autoMerge: false,
};

/** The subject of the commit and the title of the pull request. */
function titleOf(
  kind: PromotionRecord['kind'],
  pipeline: PipelineDefinition,
  phase: string,
  version?: string,
): string {
  const name = pipeline.title ?? pipeline.name;
  return kind === 'rollback'
    ? `glu: roll back ${name} ${phase} to ${version}`
    : `glu: promote ${name} ${phase} to ${version}`;
}

/** The proposal branch: `glu/<pipeline>/<phase>/<digest>`. */
export function proposalBranch(
  pipeline: { name: string; namespace: string },
  phase: string,
  digest: string,
): string {
  const name =
    pipeline.namespace === 'default'
      ? pipeline.name
      : `${pipeline.namespace}/${pipeline.name}`;
  // A colon cannot be part of a Git ref name.
  return `glu/${name}/${phase}/${digest.replace(/:/g, '-')}`;
}

/**
 * Promotions and rollbacks by pull request: pushes a proposal branch, opens
 * the pull request through the provider of the repository's host, replaces
 * an open proposal of an older version, and follows every open pull request
 * until it merges or closes. The phase changes when the merge is seen in the
 * repository, as with any commit.
 */
export class PullRequests {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      providers: ExtensionRegistry<GluPullRequestProvider>;
      gates: ExtensionRegistry<GluGate>;
      repositories: GitRepositories;
      integrations: ScmIntegrations;
      /** The portal's address, for links to the pipeline. */
      portalUrl?: string;
      author: { name: string; email: string };
      logger: LoggerService;
    },
  ) {}

  /** The provider that opens pull requests for a phase; a clear error when none. */
  providerFor(
    source: GitSourceDefinition,
    options?: PullRequestOptions,
  ): GluPullRequestProvider {
    const { providers } = this.deps;
    if (options?.provider) {
      const named = providers.get(options.provider);
      if (!named) {
        throw new InputError(
          `The pull-request provider "${
            options.provider
          }" is not installed (installed: ${
            providers.types().join(', ') || 'none'
          })`,
        );
      }
      return named;
    }
    const provider = providers.all().find(p => p.supports(source.repository));
    if (!provider) {
      throw new InputError(
        providers.types().length === 0
          ? `No pull-request provider is installed, so ${source.repository} cannot receive pull requests; add one, e.g. @glu-dev/plugin-glu-backend-module-github`
          : `No installed pull-request provider (${providers
              .types()
              .join(', ')}) supports ${
              source.repository
            }; check the integrations configuration`,
      );
    }
    return provider;
  }

  private pipelineUrl(pipeline: PipelineDefinition): string | undefined {
    const base = this.deps.portalUrl?.replace(/\/+$/, '');
    if (!base) return undefined;
    return `${base}/catalog/${encodeURIComponent(
      pipeline.namespace,
    )}/pipeline/${encodeURIComponent(pipeline.name)}/glu`;
  }

  /** The pull request's body: what moves from where to where. */
  private bodyOf(
    proposal: Proposal,
    options: PullRequestOptions,
    record: PromotionRecord,
    branchCommitUrl?: string,
  ): string {
    const { pipeline, phase, source, proposed, origin, before } = proposal;
    const name = pipeline.title ?? pipeline.name;
    const link = this.pipelineUrl(pipeline);
    const phaseLink = (phaseName: string) =>
      link ? `[${phaseName}](${link}#phase-${phaseName})` : `**${phaseName}**`;
    const commitLink = (sha?: string, url?: string) => {
      if (!sha) return '';
      return url ? `[${sha.slice(0, 7)}](${url})` : `\`${sha.slice(0, 7)}\``;
    };
    const row = (label: string, version?: VersionRef, extra = '') =>
      `| ${label} | ${version ? `\`${version.version}\`` : '—'} | ${
        version ? `\`${version.digest}\`` : '—'
      } | ${extra} |`;
    const lines =
      proposal.kind === 'rollback'
        ? [
            `Glu rolls ${phaseLink(phase.name)} of ${
              link ? `[${name}](${link})` : `**${name}**`
            } back to \`${proposed.version}\`, as of its history entry ${
              origin.id
            } (${origin.observedAt}).`,
          ]
        : [
            `Glu promotes \`${proposed.version}\` of ${
              link ? `[${name}](${link})` : `**${name}**`
            } from ${phaseLink(proposal.from)} to ${phaseLink(phase.name)}.`,
          ];
    lines.push(
      '',
      '| | Version | Digest | Commit |',
      '|---|---|---|---|',
      proposal.kind === 'rollback'
        ? row(
            `${phase.name} as of entry ${origin.id}`,
            { digest: origin.digest, version: origin.version },
            commitLink(origin.commitSha, origin.commitUrl),
          )
        : row(
            `${proposal.from} (from)`,
            { digest: origin.digest, version: origin.version },
            commitLink(origin.commitSha, origin.commitUrl),
          ),
      row(`${phase.name} now`, before),
      row(
        `${phase.name} after merge`,
        proposed,
        commitLink(record.commitSha, branchCommitUrl),
      ),
      '',
      `- File: \`${source.path}\` on \`${source.branch}\` of ${source.repository}`,
      `- Pipeline: \`${pipeline.ref}\``,
      `- Triggered by: \`${record.triggeredBy}\` (${record.trigger})`,
      `- ${proposal.kind === 'rollback' ? 'Rollback' : 'Promotion'}: \`${
        record.id
      }\``,
      '',
      options.autoMerge
        ? `Glu merges this pull request (${options.autoMerge}) once every gate of the promotion passes. A newer version replaces it.`
        : `Merging this pull request ${
            proposal.kind === 'rollback' ? 'rolls the phase back' : 'promotes'
          }; closing it cancels. A newer version replaces it.`,
    );
    return lines.join('\n');
  }

  /**
   * Opens a pull request for the proposal, replacing open proposals of other
   * versions; the same version again answers the open one. Runs under the
   * phase's lease.
   */
  async propose(proposal: Proposal): Promise<PromotionRecord> {
    const { store, repositories, integrations, logger } = this.deps;
    const { pipeline, phase, source, proposed } = proposal;
    const options = proposal.options ?? NO_OPTIONS;
    const provider = this.providerFor(source, options);
    const open = (
      await store.pullRequestsInto(pipeline.ref, phase.name)
    ).filter(r => r.status === 'open');
    const same = open.find(
      r => r.after?.digest === proposed.digest && r.kind === proposal.kind,
    );
    if (same) return same;

    const record: PromotionRecord = {
      id: newPromotionId(),
      pipelineRef: pipeline.ref,
      from: proposal.from,
      to: phase.name,
      kind: proposal.kind,
      strategy: 'pull-request',
      status: 'running',
      fromVersion: versionRefOf(proposal.origin),
      before: proposal.before,
      triggeredBy: proposal.triggeredBy,
      trigger: proposal.trigger,
      createdAt: new Date().toISOString(),
    };
    await store.createPromotion(record);
    const branch = proposalBranch(pipeline, phase.name, proposed.digest);
    const title = titleOf(
      proposal.kind,
      pipeline,
      phase.name,
      proposed.version,
    );
    try {
      const [result] = await repositories.get(source.repository).commit({
        branch: source.branch,
        pushTo: branch,
        author: this.deps.author,
        edits: [
          {
            path: source.path,
            apply: proposal.apply,
            message: {
              subject: title,
              body: [
                `Pipeline: ${pipeline.ref}`,
                `To: ${phase.name}, ${proposed.version} (${proposed.digest})`,
                `File: ${source.path}`,
                `Triggered-by: ${record.triggeredBy}`,
                `${proposal.kind === 'rollback' ? 'Rollback' : 'Promotion'}: ${
                  record.id
                }`,
              ].join('\n'),
            },
          },
        ],
      });
      if (result.error) throw result.error;
      if (!result.changed) {
        // The branch already holds it: nothing to propose.
        return store.updatePromotion(record.id, {
          status: 'up-to-date',
          after: proposed,
          finishedAt: new Date().toISOString(),
        });
      }
      const branchCommitUrl = commitUrlOf(
        integrations,
        source.repository,
        result.sha,
      );
      const pr = await provider.open({
        repository: source.repository,
        base: source.branch,
        head: branch,
        title,
        body: this.bodyOf(
          proposal,
          options,
          { ...record, commitSha: result.sha },
          branchCommitUrl,
        ),
        labels: options.labels,
        draft: options.draft,
      });
      const pullRequest: PullRequestRef = {
        provider: provider.type,
        number: pr.number,
        url: pr.url,
        branch,
        state: pr.state,
        headSha: pr.headSha,
      };
      const opened = await store.updatePromotion(record.id, {
        status: 'open',
        after: proposed,
        commitSha: result.sha,
        commitUrl: branchCommitUrl,
        pullRequest,
      });
      logger.info(
        `Opened ${pr.url} to ${
          proposal.kind === 'rollback' ? 'roll back' : 'promote'
        } ${pipeline.ref} ${phase.name} to ${proposed.version}`,
      );
      for (const older of open) {
        await this.supersede(older, opened);
      }
      return opened;
    } catch (error) {
      const message = errorMessage(error);
      logger.warn(
        `Pull request for ${record.id} of ${pipeline.ref} ${phase.name} failed: ${message}`,
      );
      await store.updatePromotion(record.id, {
        status: 'failed',
        error: message,
        finishedAt: new Date().toISOString(),
      });
      throw error;
    }
  }

  /** Closes an older proposal with a comment that links the newer one. */
  private async supersede(older: PromotionRecord, newer: PromotionRecord) {
    const { store, logger } = this.deps;
    const pr = older.pullRequest;
    const pipeline = await store.getPipeline(older.pipelineRef);
    const phase = pipeline?.phases.find(p => p.name === older.to);
    if (!pr || !pipeline || !phase || phase.source.type !== 'git') return;
    const source = phase.source as GitSourceDefinition;
    const provider = this.deps.providers.get(pr.provider);
    // Marked first, so that following it does not take the close for a
    // person's.
    await store.updatePromotion(
      older.id,
      {
        status: 'superseded',
        pullRequest: { ...pr, state: 'closed' },
        error: `Superseded by ${newer.pullRequest!.url}`,
        finishedAt: new Date().toISOString(),
      },
      ['open'],
    );
    try {
      await provider?.close({
        repository: source.repository,
        number: pr.number,
        comment: `Superseded by #${newer.pullRequest!.number} (${
          newer.pullRequest!.url
        }), which ${newer.kind === 'rollback' ? 'rolls' : 'promotes'} ${
          older.to
        } to \`${newer.after!.version}\` instead of \`${
          older.after?.version
        }\`.`,
      });
      await this.deps.repositories
        .get(source.repository)
        .deleteBranch(pr.branch)
        .catch(error =>
          logger.warn(
            `Could not delete the branch ${pr.branch}: ${errorMessage(error)}`,
          ),
        );
    } catch (error) {
      logger.warn(
        `Could not close ${pr.url}, superseded by ${
          newer.pullRequest!.url
        }: ${errorMessage(error)}`,
      );
    }
  }

  /**
   * Follows every open pull request: notes merges and closes, refreshes the
   * checks of those whose gates look at them, and merges those whose edge
   * merges automatically once every gate passes. Answers the pipelines
   * whose promotions changed.
   */
  async track(pipelineRefs?: string[]): Promise<string[]> {
    const { store, logger } = this.deps;
    const changed = new Set<string>();
    const records = (await store.listOpenPullRequests()).filter(
      r =>
        r.pullRequest &&
        (!pipelineRefs || pipelineRefs.includes(r.pipelineRef)),
    );
    for (const record of records) {
      try {
        if (await this.trackOne(record)) changed.add(record.pipelineRef);
      } catch (error) {
        logger.warn(
          `Could not follow ${record.pullRequest!.url}: ${errorMessage(error)}`,
        );
      }
    }
    return [...changed];
  }

  private async trackOne(record: PromotionRecord): Promise<boolean> {
    const { store, gates, logger } = this.deps;
    const pr = record.pullRequest!;
    const pipeline = await store.getPipeline(record.pipelineRef);
    const phase = pipeline?.phases.find(p => p.name === record.to);
    if (!pipeline || !phase || phase.source.type !== 'git') return false;
    const source = phase.source as GitSourceDefinition;
    if (record.status === 'merged') {
      // Merged while the phase already held the version: nothing else will
      // record it.
      const state = await store.getPhaseState(pipeline.ref, record.to);
      if (state?.current?.digest !== record.after?.digest) return false;
      await this.complete(record, {
        sha: pr.mergeCommitSha,
        url: pr.mergeCommitSha
          ? commitUrlOf(
              this.deps.integrations,
              source.repository,
              pr.mergeCommitSha,
            )
          : undefined,
      });
      return true;
    }
    const provider = this.deps.providers.get(pr.provider);
    if (!provider) return false;
    const seen = await provider.get({
      repository: source.repository,
      number: pr.number,
    });
    // Each change only from `open`: a promotion that superseded this one,
    // or a refresh that saw the merge, may have moved it on meanwhile.
    if (seen.state === 'closed') {
      await store.updatePromotion(
        record.id,
        {
          status: 'closed',
          pullRequest: { ...pr, state: 'closed', headSha: seen.headSha },
          error: `The pull request ${pr.url} was closed without merging`,
          finishedAt: new Date().toISOString(),
        },
        ['open'],
      );
      return true;
    }
    if (seen.state === 'merged') {
      await store.updatePromotion(
        record.id,
        {
          status: 'merged',
          pullRequest: {
            ...pr,
            state: 'merged',
            headSha: seen.headSha,
            mergeCommitSha: seen.mergeCommitSha,
          },
        },
        ['open'],
      );
      return true;
    }

    const edge =
      record.kind === 'rollback'
        ? phase.promotions[0]
        : phase.promotions.find(e => e.from === record.from);
    // Rollbacks skip the promotion's gates, except the pull request's checks.
    const definitions = (edge?.gates ?? []).filter(
      g => record.kind !== 'rollback' || 'checks' in g,
    );
    const wantsChecks = definitions.some(g => 'checks' in g);
    const autoMerge = edge?.pullRequest?.autoMerge;
    let current: PullRequestRef = { ...pr, headSha: seen.headSha };
    if (wantsChecks || autoMerge) {
      current = {
        ...current,
        // Glu's own status is not one of the checks its gates wait for.
        checks: (
          await provider.checks({
            repository: source.repository,
            sha: seen.headSha,
          })
        ).filter(c => c.name !== GATES_STATUS_CONTEXT),
      };
    }
    const save = async () => {
      const changed = JSON.stringify(current) !== JSON.stringify(pr);
      if (changed) {
        await store.updatePromotion(record.id, { pullRequest: current }, [
          'open',
        ]);
      }
      return changed;
    };
    if (!autoMerge && definitions.length === 0) return save();

    const [upstream, target] = await Promise.all([
      store.getPhaseState(pipeline.ref, record.from),
      store.getPhaseState(pipeline.ref, record.to),
    ]);
    // A rollback's only gate, checks, looks at the pull request alone.
    const fromState =
      record.kind === 'rollback' ? target?.current : upstream?.current;
    if (!fromState) return save();
    const results = await evaluateGates({
      gates,
      store,
      definitions,
      pipelineRef: pipeline.ref,
      from: { phase: record.from, state: fromState },
      to: { phase: record.to, state: target?.current },
      pullRequest: current,
    });
    const failed = results.filter(r => !r.passed);
    // The gates as a commit status on the head, so that branch protection
    // can hold a merge by hand until they pass.
    if (results.length > 0 && provider.setStatus) {
      const status = {
        sha: seen.headSha,
        state: failed.length > 0 ? ('pending' as const) : ('success' as const),
        description:
          failed.length > 0
            ? failed.map(g => `${g.type}: ${g.reason}`).join('; ')
            : `${results.map(g => g.type).join(', ')}: passed`,
      };
      if (JSON.stringify(status) !== JSON.stringify(pr.gatesStatus)) {
        await provider.setStatus({
          repository: source.repository,
          sha: status.sha,
          context: GATES_STATUS_CONTEXT,
          state: status.state,
          description: status.description,
          url: this.pipelineUrl(pipeline),
        });
        current = { ...current, gatesStatus: status };
      }
    }
    const changed = await save();
    if (!autoMerge) return changed;
    if (failed.length > 0) {
      const why = failed.map(g => `${g.type}: ${g.reason}`).join('; ');
      if (record.error !== `Waiting to merge: ${why}`) {
        await store.updatePromotion(
          record.id,
          { error: `Waiting to merge: ${why}` },
          ['open'],
        );
        return true;
      }
      return changed;
    }
    // A newer promotion may have replaced it while the gates were read.
    if ((await store.getPromotion(record.id))?.status !== 'open') {
      return changed;
    }
    const merged = await provider.merge({
      repository: source.repository,
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
    await store.updatePromotion(
      record.id,
      {
        status: 'merged',
        pullRequest: {
          ...current,
          state: 'merged',
          mergeCommitSha: merged.sha,
        },
        error: '',
      },
      ['open'],
    );
    return true;
  }

  /**
   * The promotion by pull request that brought a phase to this digest, if
   * one is open or merged: the refresh that sees the merge in the repository
   * records it as that promotion, and the promotion as succeeded.
   */
  async claim(
    pipelineRef: string,
    phase: string,
    digest: string,
  ): Promise<PromotionRecord | undefined> {
    const records = await this.deps.store.pullRequestsInto(pipelineRef, phase);
    return records.find(r => r.after?.digest === digest);
  }

  /** Marks a claimed promotion as done, with the commit that brought it. */
  async complete(
    record: PromotionRecord,
    commit: { sha?: string; url?: string },
  ): Promise<void> {
    await this.deps.store.updatePromotion(
      record.id,
      {
        status: 'succeeded',
        ...(commit.sha ? { commitSha: commit.sha } : {}),
        ...(commit.url ? { commitUrl: commit.url } : {}),
        ...(record.pullRequest
          ? { pullRequest: { ...record.pullRequest, state: 'merged' } }
          : {}),
        error: '',
        finishedAt: new Date().toISOString(),
      },
      ['open', 'merged'],
    );
  }
}
