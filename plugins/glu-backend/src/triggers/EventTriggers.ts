import { LoggerService } from '@backstage/backend-plugin-api';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { normalizeRepositoryUrl } from '@glu-dev/plugin-glu-node';
import { parseRepository } from '../sources/oci/OciRegistryClient';
import { PhaseSources } from '../engine/PhaseSources';
import { DatabaseGluStore } from '../store/DatabaseGluStore';

/** The topic of registry push notifications (see the glu events module). */
export const REGISTRY_TOPIC = 'glu-registry';
/** The topic of GitHub webhooks, as Backstage's GitHub events module names it. */
export const GITHUB_TOPIC = 'github';

/**
 * The pipelines with a phase that lives in one of these repositories (on
 * this branch, when one is given), wherever its source says it lives.
 */
export function pipelinesInRepository(
  pipelines: PipelineDefinition[],
  sources: PhaseSources,
  repositoryUrls: string[],
  branch?: string,
): string[] {
  const urls = new Set(repositoryUrls.map(normalizeRepositoryUrl));
  return pipelines
    .filter(pipeline =>
      pipeline.phases.some(phase => {
        const location = sources.locate(pipeline, phase);
        if (!location) return false;
        return (
          (branch === undefined || location.branch === branch) &&
          urls.has(normalizeRepositoryUrl(location.repository))
        );
      }),
    )
    .map(p => p.ref);
}

/** The addresses of the repository a GitHub webhook is about. */
function repositoryUrlsOf(payload: unknown): string[] {
  const repository = (
    payload as {
      repository?: { clone_url?: string; html_url?: string; ssh_url?: string };
    }
  ).repository;
  return [
    repository?.clone_url,
    repository?.html_url,
    repository?.ssh_url,
  ].filter((u): u is string => Boolean(u));
}

/** GitHub events about pull requests and the checks on their commits. */
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'check_run',
  'check_suite',
  'status',
]);

/** The pipelines with an oci or helm phase on this image repository. */
export function pipelinesForImage(
  pipelines: PipelineDefinition[],
  registry: string,
  name: string,
): string[] {
  return pipelines
    .filter(pipeline =>
      pipeline.phases.some(phase => {
        const config = phase.source as Record<string, unknown>;
        let repository: string | undefined;
        if (config.type === 'oci') repository = String(config.repository);
        if (
          config.type === 'helm' &&
          String(config.repository).startsWith('oci://')
        ) {
          repository = `${String(config.repository).replace(/\/+$/, '')}/${
            config.chart
          }`;
        }
        if (!repository) return false;
        try {
          const ref = parseRepository(repository);
          return ref.registry === registry && ref.name === name;
        } catch {
          return false;
        }
      }),
    )
    .map(p => p.ref);
}

/**
 * Work on pipelines asked for while earlier work still runs: what is asked
 * meanwhile is done together once that ends, each pipeline once.
 */
export class Coalesced {
  private readonly pending = new Set<string>();
  private running?: Promise<void>;

  constructor(
    private readonly work: (pipelineRefs: string[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Asks for the work on these pipelines, without waiting for it. */
  request(pipelineRefs: string[]): void {
    pipelineRefs.forEach(ref => this.pending.add(ref));
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when what was asked so far is done. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const refs = [...this.pending];
      this.pending.clear();
      try {
        await this.work(refs);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/**
 * Events that refresh the phases they concern at once, instead of at the
 * next poll: a GitHub `push` (signed webhooks, through Backstage's events
 * backend) and a registry's push notification. An event is acknowledged at
 * once and handled in the background, so that a slow remote never makes its
 * sender give up; events that arrive meanwhile are handled together.
 */
export class EventTriggers {
  constructor(
    private readonly deps: {
      events: EventsService;
      store: DatabaseGluStore;
      sources: PhaseSources;
      logger: LoggerService;
      refresh: (pipelineRefs: string[]) => Promise<void>;
      /** Follows the open pull requests of these pipelines now. */
      trackPullRequests?: (pipelineRefs: string[]) => Promise<void>;
    },
  ) {}

  private readonly refreshes = new Coalesced(
    refs => this.deps.refresh(refs),
    error => this.deps.logger.warn(`A refresh after an event failed: ${error}`),
  );
  private readonly follows = new Coalesced(
    refs => this.deps.trackPullRequests?.(refs) ?? Promise.resolve(),
    error =>
      this.deps.logger.warn(
        `Following pull requests after an event failed: ${error}`,
      ),
  );

  /** Resolves when the work that events asked for so far is done. */
  async idle(): Promise<void> {
    await Promise.all([this.refreshes.idle(), this.follows.idle()]);
  }

  async subscribe(): Promise<void> {
    await this.deps.events.subscribe({
      id: 'glu-triggers',
      topics: [GITHUB_TOPIC, REGISTRY_TOPIC],
      onEvent: params => this.onEvent(params),
    });
  }

  async onEvent(params: EventParams): Promise<void> {
    const { store, logger } = this.deps;
    let pipelineRefs: string[] = [];
    const pipelines = await store.listPipelineDefinitions();
    if (
      params.topic === GITHUB_TOPIC ||
      params.topic === `${GITHUB_TOPIC}.push`
    ) {
      const event = params.metadata?.['x-github-event'];
      if (
        params.topic === GITHUB_TOPIC &&
        typeof event === 'string' &&
        PULL_REQUEST_EVENTS.has(event)
      ) {
        const refs = pipelinesInRepository(
          pipelines,
          this.deps.sources,
          repositoryUrlsOf(params.eventPayload),
        );
        if (refs.length > 0 && this.deps.trackPullRequests) {
          logger.info(
            `A GitHub ${event} event follows the pull requests of ${refs.join(
              ', ',
            )}`,
          );
          this.follows.request(refs);
        }
        return;
      }
      if (params.topic === GITHUB_TOPIC && event !== 'push') return;
      const payload = params.eventPayload as { ref?: string };
      const branch = payload.ref?.replace(/^refs\/heads\//, '');
      const urls = repositoryUrlsOf(params.eventPayload);
      if (!branch || urls.length === 0) return;
      pipelineRefs = pipelinesInRepository(
        pipelines,
        this.deps.sources,
        urls,
        branch,
      );
    } else if (params.topic === REGISTRY_TOPIC) {
      const payload = params.eventPayload as {
        events?: Array<{
          action?: string;
          target?: { repository?: string };
          request?: { host?: string };
        }>;
      };
      const refs = new Set<string>();
      for (const event of payload.events ?? []) {
        if (
          event.action !== 'push' ||
          !event.target?.repository ||
          !event.request?.host
        ) {
          continue;
        }
        pipelinesForImage(
          pipelines,
          event.request.host,
          event.target.repository,
        ).forEach(ref => refs.add(ref));
      }
      pipelineRefs = [...refs];
    }
    if (pipelineRefs.length === 0) return;
    logger.info(`A ${params.topic} event refreshes ${pipelineRefs.join(', ')}`);
    this.refreshes.request(pipelineRefs);
  }
}
