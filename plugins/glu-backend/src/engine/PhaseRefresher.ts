import { LoggerService } from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitSourceDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { GluFormat } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { commitUrlOf } from '../sources/git/GitCredentials';
import { GitRepositories } from '../sources/git/GitRepositories';
import { contentHash, DatabaseGluStore } from '../store/DatabaseGluStore';
import { Leases } from './Leases';
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
      repositories: GitRepositories;
      integrations: ScmIntegrations;
      leases: Leases;
      logger: LoggerService;
    },
  ) {}

  /** Refreshes the given pipelines, or all of them. */
  async refresh(pipelineRefs?: string[]): Promise<PhaseChange[]> {
    const { store } = this.deps;
    const all = await store.listPipelineDefinitions();
    const pipelines = pipelineRefs
      ? all.filter(p => pipelineRefs.includes(p.ref))
      : all;
    const byRepository = new Map<string, GitPhase[]>();
    for (const pipeline of pipelines) {
      for (const phase of pipeline.phases) {
        if (phase.source.type !== 'git') continue;
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
        changes.push(...(await this.refreshRepository(url, phases)));
      },
    );
    return changes;
  }

  private async refreshRepository(
    url: string,
    phases: GitPhase[],
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
          () => this.refreshPhase(phase, heads.get(phase.source.branch)),
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
    const state = await store.getPhaseState(pipeline.ref, phase);
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
    await store.recordObservation({
      pipelineRef: pipeline.ref,
      phase,
      resource,
      content,
      cause: state?.current ? 'commit' : 'observed',
      actor: commit
        ? `${commit.authorName} <${commit.authorEmail}>`
        : undefined,
      commitSha: commit?.sha,
      commitUrl: commit
        ? commitUrlOf(integrations, source.repository, commit.sha)
        : undefined,
      message: commit?.subject,
      observedAt: new Date(),
    });
    return { pipelineRef: pipeline.ref, phase, digest: resource.digest };
  }
}
