import {
  isSpanContextValid,
  SpanContext,
  trace,
  TraceFlags,
} from '@opentelemetry/api';

/** A W3C `traceparent`: version, trace id, parent span id, flags. */
const TRACEPARENT =
  /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^\s]*)?$/;

/**
 * The span context a W3C `traceparent` names (as CI sends it, or as Glu
 * stored it), or undefined for one that is not valid: a version Glu does
 * not know, ids of zeros. A caller's bad trace context is ignored, never an
 * error: telemetry does not stand in the way of a publish.
 */
export function parseTraceparent(
  value: string | undefined | null,
): SpanContext | undefined {
  if (!value) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version 00 has exactly four parts; ff is forbidden.
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(context) ? context : undefined;
}

/** The W3C `traceparent` of a span context, if it is valid. */
export function formatTraceparent(
  context: SpanContext | undefined,
): string | undefined {
  if (!context || !isSpanContextValid(context)) return undefined;
  const sampled = context.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
  return `00-${context.traceId}-${context.spanId}-${sampled}`;
}

/** The active span's context as Glu stores it, if a span is active. */
export function activeTraceparent(): string | undefined {
  return formatTraceparent(trace.getActiveSpan()?.spanContext());
}
