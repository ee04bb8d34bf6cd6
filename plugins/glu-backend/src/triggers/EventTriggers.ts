import { LoggerService } from '@backstage/backend-plugin-api';
import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  GluWebhookDelivery,
  GluWebhookEvent,
  GluWebhookMeaning,
  GluWebhookParser,
  normalizeRepositoryUrl,
} from '@glu-dev/plugin-glu-node';
import { parseRepository } from '../sources/oci/OciRegistryClient';
import { PhaseSources } from '../pipelines/PhaseSources';
import { GluStore } from '../store/GluStore';
import { SpanKind } from '@opentelemetry/api';
import { ATTR } from '../telemetry/attributes';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { Deliveries, registryDeliveryOf } from './Deliveries';
import { WebhookParsers } from './WebhookParsers';

/** The topic of registry push notifications (see the glu events module). */
export const REGISTRY_TOPIC = 'glu-registry';

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
 * next poll: a push to a Git host's repository (webhooks that Backstage's
 * events backend verified, read by the parser that the host's module
 * registered) and a registry's push notification; and events that follow
 * the open pull requests of a repository at once (a pull request or the
 * checks of a commit changed). An event is acknowledged at once and handled
 * in the background, so that a slow remote never makes its sender give up;
 * events that arrive meanwhile are handled together.
 */
export class EventTriggers {
  constructor(
    private readonly deps: {
      events: EventsService;
      store: Pick<GluStore, 'pipelines'>;
      sources: PhaseSources;
      logger: LoggerService;
      /** The Git hosts whose webhooks are answered: their topics only. */
      parsers: WebhookParsers;
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
    const parsers = this.deps.parsers.all();
    this.deps.logger.info(
      parsers.length > 0
        ? `Webhooks of ${parsers
            .map(p => `${p.host} (topic ${p.topic})`)
            .join(', ')} are answered`
        : "No Git host's webhooks are answered: install a module that parses them, e.g. Glu's GitHub or GitLab module",
    );
    await this.deps.events.subscribe({
      id: 'glu-triggers',
      topics: [...parsers.map(p => p.topic), REGISTRY_TOPIC],
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
    const parser = this.deps.parsers.of(params.topic);
    let asked: Asked | undefined;
    /** What the event is, for the log. */
    let what = `${params.topic} event`;
    if (parser) {
      const read = this.read(parser, {
        topic: params.topic,
        payload: params.eventPayload,
        headers: params.metadata ?? {},
      });
      asked = read && this.gitWork(read.meaning, pipelines);
      if (!read || !asked) return undefined;
      const { meaning, delivery } = read;
      const [first] = await this.deps.deliveries.firstReceived(
        parser.host,
        [delivery],
        `${meaning.event} event`,
      );
      if (!first) return undefined;
      const commit = meaning.type === 'checks' ? meaning.commit : undefined;
      what = `${parser.host} ${meaning.event} event${
        commit ? ` on commit ${commit}` : ''
      }`;
    } else if (params.topic === REGISTRY_TOPIC) {
      asked = await this.registryWork(params, pipelines);
    }
    if (!asked) return undefined;
    const { work, pipelineRefs } = asked;
    if (work === 'follow') {
      this.deps.logger.info(
        `A ${what} follows the pull requests of ${pipelineRefs.join(', ')}`,
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

  /**
   * What a host's event means and what its delivery is known by, as its
   * parser reads them; a parser that fails reads nothing, said as a warning.
   */
  private read(
    parser: GluWebhookParser,
    event: GluWebhookEvent,
  ): { meaning: GluWebhookMeaning; delivery: GluWebhookDelivery } | undefined {
    try {
      const meaning = parser.parse(event);
      return meaning && { meaning, delivery: parser.deliveryOf(event) };
    } catch (error) {
      this.deps.logger.warn(
        `The ${parser.host} webhook parser failed on an event of ${event.topic}, which is ignored: ${error}`,
      );
      return undefined;
    }
  }

  /** What a Git host's event asks for, if anything. */
  private gitWork(
    meaning: GluWebhookMeaning,
    pipelines: PipelineDefinition[],
  ): Asked | undefined {
    const urls = meaning.repositoryUrls;
    if (meaning.type !== 'push') {
      const refs = pipelinesInRepository(pipelines, this.deps.sources, urls);
      return refs.length > 0 && this.deps.trackPullRequests
        ? { work: 'follow', pipelineRefs: refs }
        : undefined;
    }
    const refs = pipelinesInRepository(
      pipelines,
      this.deps.sources,
      urls,
      meaning.branch,
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
