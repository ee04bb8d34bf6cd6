import {
  MetricAttributes,
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';
import {
  Attributes,
  context,
  Link,
  metrics,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
  Tracer,
} from '@opentelemetry/api';
import { errorMessage } from '../errors';
import { PromotionRecord } from '../store/types';
import { ATTR, promotionMetricAttributes } from './attributes';
import {
  activeTraceparent,
  formatTraceparent,
  parseTraceparent,
} from './traceContext';

/**
 * The instrumentation scope of Glu's spans and metrics: the one Backstage's
 * own tracing and metrics services give the plugin `glu`.
 */
export const GLU_TELEMETRY_SCOPE = 'backstage-plugin-glu';

/** Buckets for durations from a second to a day (pull requests wait). */
const LONG_SECONDS = [
  0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200,
  86400, 172800, 604800,
];
/** Buckets for git commands and refreshes, from milliseconds to minutes. */
const SHORT_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

export interface GluSpanOptions {
  attributes?: Attributes;
  /**
   * The trace to continue, as Glu stored it (a `traceparent`); by default
   * the active one.
   */
  parent?: string;
  /** Spans this one follows from, as stored; the parent's is left out. */
  links?: Array<string | undefined>;
  kind?: SpanKind;
  /** When the work began, if before the span could be started. */
  startTime?: Date;
}

/** What kind of error ended an operation, as `error.type` has it. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    return error.name && error.name !== 'Error'
      ? error.name
      : error.constructor?.name || 'Error';
  }
  return typeof error;
}

/**
 * Glu's traces and metrics, through OpenTelemetry: the app's SDK (for a
 * Backstage backend, its instrumentation file) decides where they go, and
 * without one they cost next to nothing. Metrics go through Backstage's
 * metrics service when the backend has one, else through the global meter
 * provider under the same scope. Spans go through the global tracer
 * provider, which Backstage's tracing service uses too: Glu continues
 * traces from stored contexts and links them, which that service does not
 * offer.
 *
 * Nothing here throws or waits on an exporter: a failing exporter is the
 * SDK's concern, and no write waits on telemetry.
 */
export class GluTelemetry {
  private readonly tracer: Tracer;
  private readonly promotions: MetricsServiceCounter;
  private readonly promotionDuration: MetricsServiceHistogram;
  private readonly leadTime: MetricsServiceHistogram;
  private readonly refreshDuration: MetricsServiceHistogram;
  private readonly refreshFailures: MetricsServiceCounter;
  private readonly gitDuration: MetricsServiceHistogram;
  private readonly meter: MetricsService;

  constructor(options: { metrics?: MetricsService } = {}) {
    this.tracer = trace.getTracer(GLU_TELEMETRY_SCOPE);
    this.meter =
      options.metrics ??
      (metrics.getMeter(GLU_TELEMETRY_SCOPE) as unknown as MetricsService);
    const meter = this.meter;
    this.promotions = meter.createCounter('glu.promotions', {
      description:
        'Promotions and rollbacks that ended, by pipeline, phase, kind, strategy and status',
      unit: '{promotion}',
    });
    this.promotionDuration = meter.createHistogram('glu.promotion.duration', {
      description:
        'How long promotions and rollbacks took, from their record to their end',
      unit: 's',
      advice: { explicitBucketBoundaries: LONG_SECONDS },
    });
    this.leadTime = meter.createHistogram('glu.promotion.lead_time', {
      description:
        'From a version first held by a first phase of the pipeline to its arrival in a phase by promotion',
      unit: 's',
      advice: { explicitBucketBoundaries: LONG_SECONDS },
    });
    this.refreshDuration = meter.createHistogram('glu.refresh.duration', {
      description:
        'How long asking a source about a group of phases took (one repository, one registry)',
      unit: 's',
      advice: { explicitBucketBoundaries: SHORT_SECONDS },
    });
    this.refreshFailures = meter.createCounter('glu.refresh.failures', {
      description: 'Phases whose source could not be read at a refresh',
      unit: '{phase}',
    });
    this.gitDuration = meter.createHistogram('glu.git.operation.duration', {
      description: 'How long git operations took, by operation',
      unit: 's',
      advice: { explicitBucketBoundaries: SHORT_SECONDS },
    });
  }

  /**
   * Runs work in a new span, active while it runs; an error that ends the
   * work is recorded on the span (status ERROR) and thrown on.
   */
  async span<T>(
    name: string,
    options: GluSpanOptions,
    work: (span: Span) => Promise<T>,
  ): Promise<T> {
    const active = context.active();
    const parent = parseTraceparent(options.parent);
    const parentContext = parent
      ? trace.setSpanContext(active, parent)
      : active;
    const parentId = trace.getSpanContext(parentContext)?.spanId;
    const links: Link[] = [];
    for (const stored of options.links ?? []) {
      const linked = parseTraceparent(stored);
      if (
        linked &&
        linked.spanId !== parentId &&
        !links.some(l => l.context.spanId === linked.spanId)
      ) {
        links.push({ context: linked });
      }
    }
    const span = this.tracer.startSpan(
      name,
      {
        kind: options.kind ?? SpanKind.INTERNAL,
        attributes: options.attributes,
        links,
        startTime: options.startTime,
      },
      parentContext,
    );
    try {
      return await context.with(trace.setSpan(parentContext, span), () =>
        work(span),
      );
    } catch (error) {
      this.failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * A span of work that is over already (it began before its parent could
   * start: planning a write, waiting for a lease), under `parent`.
   */
  recordSpan(
    name: string,
    parent: Span | undefined,
    options: {
      startTime: Date;
      endTime: Date;
      attributes?: Attributes;
      error?: unknown;
    },
  ): void {
    const span = this.tracer.startSpan(
      name,
      { attributes: options.attributes, startTime: options.startTime },
      parent ? trace.setSpan(context.active(), parent) : context.active(),
    );
    if (options.error !== undefined) this.failed(span, options.error);
    span.end(options.endTime);
  }

  /** Records an error on a span, with status ERROR. */
  failed(span: Span, error: unknown): void {
    span.recordException(
      error instanceof Error ? error : { message: errorMessage(error) },
    );
    span.setAttribute(ATTR.ERROR_TYPE, errorTypeOf(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: errorMessage(error),
    });
  }

  /** The span's context as Glu stores it (a `traceparent`), if it has one. */
  traceparentOf(span: Span | undefined): string | undefined {
    return formatTraceparent(span?.spanContext());
  }

  /** The active span's context as Glu stores it, if there is one. */
  activeTraceparent(): string | undefined {
    return activeTraceparent();
  }

  /** The trace a span belongs to, if it belongs to one. */
  traceIdOf(span: Span | undefined): string | undefined {
    return parseTraceparent(this.traceparentOf(span))?.traceId;
  }

  /** A promotion or rollback ended: counted, and timed from its record. */
  promotionEnded(record: PromotionRecord): void {
    const attributes = promotionMetricAttributes(record) as MetricAttributes;
    this.promotions.add(1, attributes);
    const started = Date.parse(record.createdAt);
    const ended = record.finishedAt ? Date.parse(record.finishedAt) : NaN;
    if (Number.isFinite(started) && Number.isFinite(ended)) {
      this.promotionDuration.record(
        Math.max(0, (ended - started) / 1000),
        attributes,
      );
    }
  }

  /**
   * A version arrived in a phase by promotion: the time since a first phase
   * of the pipeline held it, once `firstHeldAt` finds that out (not waited
   * for by anyone).
   */
  arrived(
    record: PromotionRecord,
    firstHeldAt: () => Promise<string | undefined>,
  ): void {
    const arrivedAt = Date.parse(record.finishedAt ?? '') || Date.now();
    firstHeldAt()
      .then(at => {
        const since = at ? Date.parse(at) : NaN;
        if (!Number.isFinite(since)) return;
        this.leadTime.record(Math.max(0, (arrivedAt - since) / 1000), {
          [ATTR.PIPELINE]: record.pipelineRef,
          [ATTR.PHASE]: record.to,
        });
      })
      .catch(() => {});
  }

  /** One group of phases was asked about at a refresh. */
  refreshed(sourceType: string, seconds: number, error?: unknown): void {
    this.refreshDuration.record(seconds, {
      [ATTR.SOURCE_TYPE]: sourceType,
      ...(error !== undefined ? { [ATTR.ERROR_TYPE]: errorTypeOf(error) } : {}),
    });
  }

  /** A phase's source could not be read at a refresh. */
  refreshFailed(pipelineRef: string, phase: string, sourceType: string): void {
    this.refreshFailures.add(1, {
      [ATTR.PIPELINE]: pipelineRef,
      [ATTR.PHASE]: phase,
      [ATTR.SOURCE_TYPE]: sourceType,
    });
  }

  /**
   * Runs a git operation in a span of its own and times it, by operation
   * (fetch, commit, push, …).
   */
  git<T>(
    operation: string,
    attributes: Attributes,
    work: (span: Span) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    let error: unknown;
    return this.span(
      `glu.git.${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { ...attributes, [ATTR.GIT_OPERATION]: operation },
      },
      work,
    )
      .catch(e => {
        error = e;
        throw e;
      })
      .finally(() => {
        this.gitDuration.record((performance.now() - started) / 1000, {
          [ATTR.GIT_OPERATION]: operation,
          ...(error !== undefined
            ? { [ATTR.ERROR_TYPE]: errorTypeOf(error) }
            : {}),
        });
      });
  }

  /**
   * Gauges read from the store whenever the SDK collects (never without
   * one): the open pull requests, and the phases behind their upstream
   * (edges `promotable`). Every replica reads the same store, so every
   * replica reports the same figures: aggregate them with max, not sum.
   */
  observe(read: {
    openPullRequests: () => Promise<
      Array<{ pipelineRef: string; phase: string; provider: string }>
    >;
    behind: () => Promise<Array<{ pipelineRef: string; behind: number }>>;
  }): void {
    const open = this.meter.createObservableGauge('glu.pull_requests.open', {
      description: "Glu's pull requests that are open, by pipeline and phase",
      unit: '{pull_request}',
    });
    open.addCallback(async result => {
      const counts = new Map<string, MetricAttributes & { n: number }>();
      for (const pr of await read.openPullRequests().catch(() => [])) {
        const key = JSON.stringify([pr.pipelineRef, pr.phase, pr.provider]);
        const entry = counts.get(key) ?? {
          [ATTR.PIPELINE]: pr.pipelineRef,
          [ATTR.PHASE]: pr.phase,
          [ATTR.PROVIDER]: pr.provider,
          n: 0,
        };
        entry.n += 1;
        counts.set(key, entry);
      }
      for (const { n, ...attributes } of counts.values()) {
        result.observe(n, attributes);
      }
    });
    const behind = this.meter.createObservableGauge('glu.phases.behind', {
      description:
        'Phases whose upstream holds a version they can be promoted to (edges promotable), by pipeline',
      unit: '{phase}',
    });
    behind.addCallback(async result => {
      for (const pipeline of await read.behind().catch(() => [])) {
        result.observe(pipeline.behind, {
          [ATTR.PIPELINE]: pipeline.pipelineRef,
        });
      }
    });
  }
}
