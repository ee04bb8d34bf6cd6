import { InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { HistoryEntry } from '@glu-dev/plugin-glu-common';
import { requirePhase } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';
import { PhaseHistory } from './PhaseHistory';
import { resourceOf } from '../pipelines/resources';
import { fieldsProblem } from '../resourceForm';
import { ATTR } from '../telemetry/attributes';
import { GluTelemetry } from '../telemetry/GluTelemetry';
import { parseTraceparent } from '../telemetry/traceContext';
import { SpanKind, trace } from '@opentelemetry/api';

/**
 * A version's author as CI names it: a user's ref (`user:default/alice`, or
 * `alice`), or an email, kept as given.
 */
function authorRefOf(author: string): string {
  const text = author.trim();
  if (text.includes('@') && !text.includes(':')) return text.toLowerCase();
  try {
    return stringifyEntityRef(
      parseEntityRef(text, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(
      `The author ${author} is not a user's ref (e.g. user:default/alice) or an email`,
    );
  }
}

export interface PublishRequest {
  pipelineRef: string;
  phase: string;
  version?: string;
  fields?: Record<string, string>;
  digest?: string;
  url?: string;
  message?: string;
  /** Who made the version (a user ref, or a user's name in the default namespace). */
  author?: string;
  /** A user or service ref. */
  publishedBy: string;
  /** CI's trace context (W3C traceparent), which the version's trace continues. */
  traceparent?: string;
}

/**
 * Versions published to `api` phases, e.g. by CI: what a build made becomes
 * the phase's state without any registry polling.
 */
export class VersionPublisher {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'phases' | 'pipelines'>;
      history: PhaseHistory;
      telemetry: GluTelemetry;
    },
  ) {}

  /**
   * Publishes in a span of CI's trace, when CI sent its context (and the
   * request is not traced in it already, by the app's HTTP
   * instrumentation): the version's trace, stored with its state.
   */
  async publish(
    request: PublishRequest,
  ): Promise<{ changed: boolean; state: HistoryEntry }> {
    const { telemetry } = this.deps;
    const caller = parseTraceparent(request.traceparent);
    const active = trace.getActiveSpan()?.spanContext();
    const inCallersTrace = caller && active?.traceId === caller.traceId;
    return telemetry.span(
      'glu.publish',
      {
        kind: SpanKind.SERVER,
        parent: inCallersTrace ? undefined : request.traceparent,
        attributes: {
          [ATTR.PIPELINE]: request.pipelineRef,
          [ATTR.PHASE]: request.phase,
          [ATTR.ACTOR]: request.publishedBy,
          ...(request.version ? { [ATTR.VERSION]: request.version } : {}),
          ...(request.digest ? { [ATTR.DIGEST]: request.digest } : {}),
        },
      },
      async span => {
        const published = await this.published(
          request,
          telemetry.traceparentOf(span),
        );
        span.setAttributes({
          [ATTR.VERSION]: published.state.version,
          [ATTR.DIGEST]: published.state.digest,
          'glu.publish.changed': published.changed,
        });
        return published;
      },
    );
  }

  private async published(
    request: PublishRequest,
    traceparent: string | undefined,
  ): Promise<{ changed: boolean; state: HistoryEntry }> {
    const { store, history } = this.deps;
    const { pipeline, phase } = await requirePhase(
      store,
      request.pipelineRef,
      request.phase,
    );
    if (phase.source.type !== 'api') {
      throw new InputError(
        `The phase ${phase.name} reads from a ${phase.source.type} source; versions are published only to api phases`,
      );
    }
    const fields: Record<string, string> = { ...request.fields };
    if (request.version) fields.version = request.version;
    if (request.digest) fields.digest = request.digest;
    if (Object.keys(fields).length === 0) {
      throw new InputError('Publish a version, fields or a digest');
    }
    const problem = fieldsProblem(fields);
    if (problem)
      throw new InputError(`The version cannot be published: ${problem}`);
    const state = await store.phases.getPhaseState(pipeline.ref, phase.name);
    if (state?.current?.digest === resourceOf(fields).digest) {
      await store.phases.markRefreshed(pipeline.ref, phase.name);
      return { changed: false, state: state.current };
    }
    const entry = await history.published({
      pipelineRef: pipeline.ref,
      phase: phase.name,
      fields,
      publishedBy: request.publishedBy,
      ...(request.author ? { author: authorRefOf(request.author) } : {}),
      url: request.url,
      message: request.message,
      traceparent,
    });
    return { changed: true, state: entry };
  }
}
