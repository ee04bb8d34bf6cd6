import { LoggerService } from '@backstage/backend-plugin-api';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { normalizeRepositoryUrl } from '@glu-dev/plugin-glu-node';
import { parseRepository } from '../sources/oci/OciRegistryClient';
import { PhaseSources } from '../engine/PhaseSources';
import { GluStore } from '../store/GluStore';
import { SpanKind } from '@opentelemetry/api';
import { ATTR } from '../telemetry/attributes';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import {
  Deliveries,
  deliveryOf,
  GitHost,
  registryDeliveryOf,
} from './Deliveries';

/** The topic of registry push notifications (see the glu events module). */
export const REGISTRY_TOPIC = 'glu-registry';
/** The topic of GitHub webhooks, as Backstage's GitHub events module names it. */
export const GITHUB_TOPIC = 'github';
/** The topic of GitLab webhooks, as Backstage's GitLab events module names it. */
export const GITLAB_TOPIC = 'gitlab';

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

/** The addresses of the repository a GitHub or GitLab webhook is about. */
function repositoryUrlsOf(payload: unknown): string[] {
  const { repository, project } = (payload ?? {}) as {
    repository?: {
      clone_url?: string;
      html_url?: string;
      ssh_url?: string;
      git_http_url?: string;
      git_ssh_url?: string;
      homepage?: string;
    };
    project?: { git_http_url?: string; git_ssh_url?: string; web_url?: string };
  };
  return [
    // GitHub's
    repository?.clone_url,
    repository?.html_url,
    repository?.ssh_url,
    // GitLab's: every hook has its project, push and job hooks a repository
    project?.git_http_url,
    project?.git_ssh_url,
    project?.web_url,
    repository?.git_http_url,
    repository?.git_ssh_url,
    repository?.homepage,
  ].filter((u): u is string => typeof u === 'string' && u !== '');
}

/**
 * Which host a webhook comes from and its event's name there: GitHub's
 * `X-GitHub-Event`, GitLab's `object_kind` (as Backstage's GitLab event
 * router reads it), or the subtopic their routers publish it under.
 */
function gitEventOf(
  params: EventParams,
): { host: GitHost; name: string } | undefined {
  const [topic, subtopic] = params.topic.split(/\.(.*)/);
  if (topic === GITHUB_TOPIC) {
    const name = subtopic ?? params.metadata?.['x-github-event'];
    return typeof name === 'string' ? { host: 'GitHub', name } : undefined;
  }
  if (topic === GITLAB_TOPIC) {
    const payload = (params.eventPayload ?? {}) as {
      object_kind?: unknown;
      event_name?: unknown;
    };
    const name = subtopic ?? payload.object_kind ?? payload.event_name;
    return typeof name === 'string' ? { host: 'GitLab', name } : undefined;
  }
  return undefined;
}

/**
 * The events of each host that Glu answers: those that refresh the branch
 * they name (a push), and those that follow the open pull requests of the
 * repository (a pull or merge request changed, or the checks on its commits:
 * GitHub's check runs, suites and statuses, GitLab's pipelines and jobs).
 */
const GIT_EVENTS: Record<GitHost, { refresh: string; follow: Set<string> }> = {
  GitHub: {
    refresh: 'push',
    follow: new Set(['pull_request', 'check_run', 'check_suite', 'status']),
  },
  GitLab: {
    refresh: 'push',
    follow: new Set(['merge_request', 'pipeline', 'build']),
  },
};

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

/** What an event asks for: work on some pipelines. */
type Asked = { work: 'refresh' | 'follow'; pipelineRefs: string[] };

/**
 * Events that refresh the phases they concern at once, instead of at the
 * next poll: a GitHub or GitLab `push` (webhooks that Backstage's events
 * backend verified: GitHub's signature, GitLab's secret token) and a
 * registry's push notification; and events that follow the open pull
 * requests of a repository at once. An event is acknowledged at
 * once and handled in the background, so that a slow remote never makes its
 * sender give up; events that arrive meanwhile are handled together.
 */
export class EventTriggers {
  constructor(
    private readonly deps: {
      events: EventsService;
      store: Pick<GluStore, 'pipelines'>;
      sources: PhaseSources;
      logger: LoggerService;
      /** The deliveries received before, so that each is acted on once. */
      deliveries: Deliveries;
      refresh: (pipelineRefs: string[]) => Promise<void>;
      /** Follows the open pull requests of these pipelines now. */
      trackPullRequests?: (pipelineRefs: string[]) => Promise<void>;
      telemetry: GluTelemetry;
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
      topics: [GITHUB_TOPIC, GITLAB_TOPIC, REGISTRY_TOPIC],
      onEvent: params => this.onEvent(params),
    });
  }

  /** One event, in a span of its own: the work it asks for follows it. */
  async onEvent(params: EventParams): Promise<void> {
    await this.deps.telemetry.span(
      'glu.webhook',
      {
        kind: SpanKind.CONSUMER,
        attributes: { [ATTR.EVENT_SOURCE]: params.topic },
      },
      async span => {
        const asked = await this.handle(params);
        if (asked) {
          span.setAttributes({
            'glu.webhook.work': asked.work,
            [ATTR.PIPELINE]: asked.pipelineRefs,
          });
        }
      },
    );
  }

  /**
   * What an event asks for, asked for unless it was delivered before
   * (within the replay window); answered for its span.
   */
  private async handle(params: EventParams): Promise<Asked | undefined> {
    const pipelines = await this.deps.store.pipelines.listPipelineDefinitions();
    const git = gitEventOf(params);
    let asked: Asked | undefined;
    if (git) {
      asked = this.gitWork(git, params, pipelines);
      if (!asked) return undefined;
      const [first] = await this.deps.deliveries.firstReceived(
        git.host,
        [deliveryOf(git.host, params)],
        `${git.name} event`,
      );
      if (!first) return undefined;
    } else if (params.topic === REGISTRY_TOPIC) {
      asked = await this.registryWork(params, pipelines);
    }
    if (!asked) return undefined;
    const { work, pipelineRefs } = asked;
    if (work === 'follow') {
      this.deps.logger.info(
        `A ${git?.host} ${
          git?.name
        } event follows the pull requests of ${pipelineRefs.join(', ')}`,
      );
      this.follows.request(pipelineRefs);
    } else {
      this.deps.logger.info(
        `A ${params.topic} event refreshes ${pipelineRefs.join(', ')}`,
      );
      this.refreshes.request(pipelineRefs);
    }
    return asked;
  }

  /** What a GitHub or GitLab event asks for, if anything. */
  private gitWork(
    git: { host: GitHost; name: string },
    params: EventParams,
    pipelines: PipelineDefinition[],
  ): Asked | undefined {
    const { refresh, follow } = GIT_EVENTS[git.host];
    const urls = repositoryUrlsOf(params.eventPayload);
    if (urls.length === 0) return undefined;
    if (follow.has(git.name)) {
      const refs = pipelinesInRepository(pipelines, this.deps.sources, urls);
      return refs.length > 0 && this.deps.trackPullRequests
        ? { work: 'follow', pipelineRefs: refs }
        : undefined;
    }
    if (git.name !== refresh) return undefined;
    const payload = params.eventPayload as { ref?: string };
    const branch = payload.ref?.replace(/^refs\/heads\//, '');
    if (!branch) return undefined;
    const refs = pipelinesInRepository(
      pipelines,
      this.deps.sources,
      urls,
      branch,
    );
    return refs.length > 0
      ? { work: 'refresh', pipelineRefs: refs }
      : undefined;
  }

  /**
   * What a registry's notification asks for: a refresh of the pipelines on
   * the images pushed, of each push event not delivered before (by its id).
   */
  private async registryWork(
    params: EventParams,
    pipelines: PipelineDefinition[],
  ): Promise<Asked | undefined> {
    const payload = params.eventPayload as {
      events?: Array<{
        id?: unknown;
        action?: string;
        target?: { repository?: string };
        request?: { host?: string };
      }>;
    };
    // The pushes that concern a pipeline, by the registry's host.
    const pushes = new Map<string, Array<{ id?: unknown; refs: string[] }>>();
    for (const event of Array.isArray(payload?.events) ? payload.events : []) {
      const host = event?.request?.host;
      const name = event?.target?.repository;
      if (event?.action !== 'push' || !name || !host) continue;
      const refs = pipelinesForImage(pipelines, host, name);
      if (refs.length === 0) continue;
      const ofHost = pushes.get(host) ?? [];
      ofHost.push({ id: event.id, refs });
      pushes.set(host, ofHost);
    }
    const refs = new Set<string>();
    for (const [host, events] of pushes) {
      const first = await this.deps.deliveries.firstReceived(
        host,
        events.map(event => registryDeliveryOf(event.id)),
        'push notification',
      );
      events
        .filter((_, i) => first[i])
        .forEach(event => event.refs.forEach(ref => refs.add(ref)));
    }
    return refs.size > 0
      ? { work: 'refresh', pipelineRefs: [...refs] }
      : undefined;
  }
}
