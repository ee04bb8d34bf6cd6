import { LoggerService } from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitSourceDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { intervalMillis } from '@glu-dev/plugin-glu-common';
import {
  GluFormat,
  GluObservation,
  GluSource,
  GluSourcePhase,
} from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { commitUrlOf } from '../sources/git/GitCredentials';
import { GitRepositories } from '../sources/git/GitRepositories';
import { contentHash, DatabaseGluStore } from '../store/DatabaseGluStore';
import { HistoryCause, PhaseState } from '../store/types';
import { Leases } from './Leases';
import { PullRequests } from './PullRequests';
import { resourceOf } from './resources';

interface GitPhase {
  pipeline: PipelineDefinition;
  phase: string;
  source: GitSourceDefinition;
}

/** A phase whose state changed in a refresh. */
export interface PhaseChange {
  pipelineRef: string;
  phase: string;
  digest: string;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs work over items, a few at a time. */
async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        await work(item);
      }
    }),
  );
}

/**
 * Looks at every phase's source and records what changed. Git phases are
 * grouped by repository: one fetch per repository, however many phases live
 * in it. A change that Glu did not make (someone committed to the file) lands
 * in the history like any other, with its commit and author.
 */
export class PhaseRefresher {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      formats: ExtensionRegistry<GluFormat>;
      sources: ExtensionRegistry<GluSource>;
      repositories: GitRepositories;
      integrations: ScmIntegrations;
      leases: Leases;
      /** Recognises the merges of Glu's pull requests. */
      pullRequests?: PullRequests;
      logger: LoggerService;
    },
  ) {}

  /**
   * Refreshes the given pipelines (all of them, each phase at its own
   * interval, when none are given).
   */
  async refresh(pipelineRefs?: string[]): Promise<PhaseChange[]> {
    const { store } = this.deps;
    const all = await store.listPipelineDefinitions();
    const pipelines = pipelineRefs
      ? all.filter(p => pipelineRefs.includes(p.ref))
      : all;
    const states = new Map(
      (await store.getPhaseStates(pipelines.map(p => p.ref))).map(s => [
        `${s.pipelineRef}/${s.phase}`,
        s,
      ]),
    );
    const now = Date.now();
    const due = (pipelineRef: string, phase: string, interval: unknown) => {
      if (pipelineRefs) return true; // asked for now
      const millis = intervalMillis(interval);
      const refreshedAt = states.get(`${pipelineRef}/${phase}`)?.refreshedAt;
      return !millis || !refreshedAt || Date.parse(refreshedAt) + millis <= now;
    };
    const byRepository = new Map<string, GitPhase[]>();
    const bySourceType = new Map<string, GluSourcePhase[]>();
    for (const pipeline of pipelines) {
      for (const phase of pipeline.phases) {
        if (!due(pipeline.ref, phase.name, phase.source.interval)) continue;
        if (phase.source.type !== 'git') {
          const list = bySourceType.get(phase.source.type) ?? [];
          list.push({
            pipelineRef: pipeline.ref,
            phase: phase.name,
            config: phase.source,
          });
          bySourceType.set(phase.source.type, list);
          continue;
        }
        const source = phase.source as GitSourceDefinition;
        const list = byRepository.get(source.repository) ?? [];
        list.push({ pipeline, phase: phase.name, source });
        byRepository.set(source.repository, list);
      }
    }
    const changes: PhaseChange[] = [];
    await forEachLimited(
      [...byRepository.entries()],
      4,
      async ([url, phases]) => {
        changes.push(...(await this.refreshRepository(url, phases, states)));
      },
    );
    for (const [type, phases] of bySourceType) {
      changes.push(...(await this.observe(type, phases, states)));
    }
    return changes;
  }

  /** Asks a read-only source about all of its phases at once. */
  private async observe(
    type: string,
    phases: GluSourcePhase[],
    states: Map<string, PhaseState>,
  ): Promise<PhaseChange[]> {
    const { store, sources, logger } = this.deps;
    const source = sources.get(type);
    if (!source?.observe) return [];
    let observations: Array<GluObservation | Error>;
    try {
      observations = await source.observe(phases);
    } catch (error) {
      observations = phases.map(() =>
        error instanceof Error ? error : new Error(String(error)),
      );
    }
    const changes: PhaseChange[] = [];
    for (const [index, phase] of phases.entries()) {
      const observation = observations[index];
      if (!observation || observation instanceof Error) {
        const message =
          observation?.message ?? `The ${type} source did not answer`;
        logger.warn(
          `Could not refresh ${phase.pipelineRef} ${phase.phase}: ${message}`,
        );
        await store.markRefreshed(phase.pipelineRef, phase.phase, message);
        continue;
      }
      const resource = resourceOf(observation.fields);
      const state = states.get(`${phase.pipelineRef}/${phase.phase}`);
      if (state?.current?.digest === resource.digest) {
        await store.markRefreshed(phase.pipelineRef, phase.phase);
        continue;
      }
      await store.recordObservation({
        pipelineRef: phase.pipelineRef,
        phase: phase.phase,
        resource,
        cause: 'observed',
        actor: observation.actor,
        commitUrl: observation.url,
        message: observation.message,
        observedAt: new Date(),
      });
      changes.push({
        pipelineRef: phase.pipelineRef,
        phase: phase.phase,
        digest: resource.digest,
      });
    }
    return changes;
  }

  private async refreshRepository(
    url: string,
    phases: GitPhase[],
    states: Map<string, PhaseState>,
  ): Promise<PhaseChange[]> {
    const { store, repositories, logger } = this.deps;
    const repository = repositories.get(url);
    try {
      await repository.fetch();
    } catch (error) {
      const message = `Could not fetch ${url}: ${errorMessage(error)}`;
      logger.warn(message);
      for (const branch of new Set(phases.map(p => p.source.branch))) {
        await store.recordRepositoryFetch({ url, branch, error: message });
      }
      for (const phase of phases) {
        await store.markRefreshed(phase.pipeline.ref, phase.phase, message);
      }
      return [];
    }

    const changes: PhaseChange[] = [];
    const heads = new Map<string, string | undefined>();
    for (const branch of new Set(phases.map(p => p.source.branch))) {
      const head = await repository.head(branch);
      heads.set(branch, head);
      await store.recordRepositoryFetch({
        url,
        branch,
        headSha: head,
        error: head ? undefined : `The branch ${branch} does not exist`,
      });
    }
    for (const phase of phases) {
      try {
        // A phase that a promotion is writing right now is looked at on the
        // next refresh, so the promotion records its own change.
        const outcome = await this.deps.leases.tryWithLease(
          `phase:${phase.pipeline.ref}/${phase.phase}`,
          () =>
            this.refreshPhase(phase, heads.get(phase.source.branch), states),
        );
        if (outcome?.result) changes.push(outcome.result);
      } catch (error) {
        await store.markRefreshed(
          phase.pipeline.ref,
          phase.phase,
          errorMessage(error),
        );
      }
    }
    return changes;
  }

  private async refreshPhase(
    { pipeline, phase, source }: GitPhase,
    head: string | undefined,
    states: Map<string, PhaseState>,
  ): Promise<PhaseChange | undefined> {
    const { store, formats, repositories, integrations } = this.deps;
    if (!head) {
      throw new Error(
        `The branch ${source.branch} does not exist in ${source.repository}`,
      );
    }
    const repository = repositories.get(source.repository);
    const content = await repository.readFile(head, source.path);
    if (content === undefined) {
      throw new Error(
        `The file ${source.path} does not exist on ${source.branch} of ${source.repository}`,
      );
    }
    const format = formats.get(source.format.type);
    if (!format) {
      throw new Error(`The format ${source.format.type} is not registered`);
    }
    let fields: Record<string, string>;
    try {
      fields = await format.read({ content, config: source.format });
    } catch (error) {
      throw new Error(
        `Could not read ${source.path} as ${source.format.type}: ${errorMessage(
          error,
        )}`,
      );
    }
    const resource = resourceOf(fields);
    // Read once at the start of this refresh. A promotion that finished since
    // then recorded its own commit, which historyHasCommit recognises below.
    const state = states.get(`${pipeline.ref}/${phase}`);
    if (
      state?.current?.digest === resource.digest &&
      state.current.blobHash === contentHash(content)
    ) {
      await store.markRefreshed(pipeline.ref, phase);
      return undefined;
    }
    if (state?.current?.digest === resource.digest) {
      // The file changed elsewhere in it; the version did not.
      await store.markRefreshed(pipeline.ref, phase);
      return undefined;
    }
    const commit = await repository.lastCommit(head, source.path);
    if (
      commit &&
      (await store.historyHasCommit(pipeline.ref, phase, commit.sha))
    ) {
      // Glu's own commit, recorded when it was made.
      await store.markRefreshed(pipeline.ref, phase);
      return undefined;
    }
    const commitUrl = commit
      ? commitUrlOf(integrations, source.repository, commit.sha)
      : undefined;
    // A merged pull request of Glu's: recorded as the promotion or rollback
    // it carried, by whoever asked for it.
    const claimed = await this.deps.pullRequests?.claim(
      pipeline.ref,
      phase,
      resource.digest,
    );
    let cause: HistoryCause = state?.current ? 'commit' : 'observed';
    let actor = commit
      ? `${commit.authorName} <${commit.authorEmail}>`
      : undefined;
    if (claimed) {
      cause = claimed.kind;
      actor = claimed.triggeredBy;
    }
    await store.recordObservation({
      pipelineRef: pipeline.ref,
      phase,
      resource,
      content,
      cause,
      actor,
      commitSha: commit?.sha,
      commitUrl,
      message: claimed?.pullRequest
        ? `Merged pull request #${claimed.pullRequest.number}: ${claimed.pullRequest.url}`
        : commit?.subject,
      ...(claimed ? { promotionId: claimed.id } : {}),
      observedAt: new Date(),
    });
    if (claimed) {
      await this.deps.pullRequests!.complete(claimed, {
        sha: commit?.sha,
        url: commitUrl,
      });
    }
    return { pipelineRef: pipeline.ref, phase, digest: resource.digest };
  }
}
