/*
 * Proposals: what a write by pull request is called and where it goes (its
 * branch, title, body and provider), shared by the writer, the pull
 * requests' follower and the notifications.
 */
import { InputError } from '@backstage/errors';
import {
  PipelineDefinition,
  PullRequestOptions,
} from '@glu-dev/plugin-glu-common';
import {
  GluPhaseLocation,
  GluPullRequestProvider,
} from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { HistoryEntry, PromotionRecord, VersionRef } from '../store/types';

/*
 * What a promotion by pull request says of itself: the proposal's branch,
 * its commit's subject (also the pull request's and the merge's title), the
 * pull request's body, and the pull-request provider that opens it.
 */

/** The commit status that says whether every gate of a promotion passes. */
export const GATES_STATUS_CONTEXT = 'glu/gates';

/** An edge's pull-request options when it sets none. */
export const NO_PULL_REQUEST_OPTIONS: PullRequestOptions = {
  labels: [],
  draft: false,
  autoMerge: false,
};

/** The subject of a write's commit, and the title of its pull request. */
export function titleOf(
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

/** The pull-request provider that opens pull requests for a phase; a clear error when none. */
export function providerFor(
  providers: ExtensionRegistry<GluPullRequestProvider>,
  location: GluPhaseLocation,
  options?: PullRequestOptions,
): GluPullRequestProvider {
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
  const provider = providers.all().find(p => p.supports(location.repository));
  if (!provider) {
    throw new InputError(
      providers.types().length === 0
        ? `No pull-request provider is installed, so ${location.repository} cannot receive pull requests; add one, e.g. @glu-dev/plugin-glu-backend-module-github`
        : `No installed pull-request provider (${providers
            .types()
            .join(', ')}) supports ${
            location.repository
          }; check the integrations configuration`,
    );
  }
  return provider;
}

/** The path of a pipeline's Glu tab in the portal. */
export function pipelinePath(pipeline: PipelineDefinition): string {
  return `/catalog/${encodeURIComponent(
    pipeline.namespace,
  )}/pipeline/${encodeURIComponent(pipeline.name)}/glu`;
}

/** The portal's page of a pipeline, for links. */
export function pipelineUrl(
  portalUrl: string | undefined,
  pipeline: PipelineDefinition,
): string | undefined {
  const base = portalUrl?.replace(/\/+$/, '');
  if (!base) return undefined;
  return `${base}${pipelinePath(pipeline)}`;
}

/** The pull request's body: what moves from where to where. */
export function bodyOf(proposal: {
  record: PromotionRecord;
  pipeline: PipelineDefinition;
  location: GluPhaseLocation;
  options: PullRequestOptions;
  /** The upstream state (promotions), or the history entry (rollbacks). */
  origin: HistoryEntry;
  proposed: VersionRef;
  portalUrl?: string;
  branchCommitUrl?: string;
}): string {
  const { record, pipeline, location, options, origin, proposed } = proposal;
  const phase = record.to;
  const name = pipeline.title ?? pipeline.name;
  const link = pipelineUrl(proposal.portalUrl, pipeline);
  const pipelineLink = link ? `[${name}](${link})` : `**${name}**`;
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
  const rollback = record.kind === 'rollback';
  return [
    rollback
      ? `Glu rolls ${phaseLink(phase)} of ${pipelineLink} back to \`${
          proposed.version
        }\`, as of its history entry ${origin.id} (${origin.observedAt}).`
      : `Glu promotes \`${
          proposed.version
        }\` of ${pipelineLink} from ${phaseLink(record.from)} to ${phaseLink(
          phase,
        )}.`,
    '',
    '| | Version | Digest | Commit |',
    '|---|---|---|---|',
    row(
      rollback ? `${phase} as of entry ${origin.id}` : `${record.from} (from)`,
      { digest: origin.digest, version: origin.version },
      commitLink(origin.commitSha, origin.commitUrl),
    ),
    row(`${phase} now`, record.before),
    row(
      `${phase} after merge`,
      proposed,
      commitLink(record.commitSha, proposal.branchCommitUrl),
    ),
    '',
    `- File: \`${location.path}\` on \`${location.branch}\` of ${location.repository}`,
    `- Pipeline: \`${pipeline.ref}\``,
    `- Triggered by: \`${record.triggeredBy}\` (${record.trigger})`,
    `- ${rollback ? 'Rollback' : 'Promotion'}: \`${record.id}\``,
    '',
    options.autoMerge
      ? `Glu merges this pull request (${options.autoMerge}) once every gate of the promotion passes. A newer version replaces it.`
      : `Merging this pull request ${
          rollback ? 'rolls the phase back' : 'promotes'
        }; closing it cancels. A newer version replaces it.`,
  ].join('\n');
}
