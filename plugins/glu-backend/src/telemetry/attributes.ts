import { Attributes } from '@opentelemetry/api';
import { PromotionRecord } from '../store/types';

/**
 * The names of the attributes on Glu's spans and metrics: OpenTelemetry's
 * semantic conventions for CI/CD and version control where they have one,
 * Glu's own under `glu.` for the rest.
 */
export const ATTR = {
  /** The pipeline's entity ref, e.g. `pipeline:default/checkout`. */
  PIPELINE: 'cicd.pipeline.name',
  /** A promotion's (or rollback's) record id. */
  RUN_ID: 'cicd.pipeline.run.id',
  /** `success`, `failure`, `skip` (up to date) or `cancellation`. */
  RESULT: 'cicd.pipeline.result',
  REPOSITORY: 'vcs.repository.url.full',
  HEAD_NAME: 'vcs.ref.head.name',
  HEAD_REVISION: 'vcs.ref.head.revision',
  BASE_NAME: 'vcs.ref.base.name',
  CHANGE_ID: 'vcs.change.id',
  CHANGE_STATE: 'vcs.change.state',
  PROVIDER: 'vcs.provider.name',
  ERROR_TYPE: 'error.type',
  PHASE: 'glu.phase',
  FROM: 'glu.from',
  TO: 'glu.to',
  KIND: 'glu.promotion.kind',
  STRATEGY: 'glu.promotion.strategy',
  STATUS: 'glu.promotion.status',
  TRIGGER: 'glu.trigger',
  ACTOR: 'glu.actor',
  VERSION: 'glu.version',
  DIGEST: 'glu.digest',
  FROM_VERSION: 'glu.from.version',
  SOURCE_TYPE: 'glu.source.type',
  SOURCE_GROUP: 'glu.source.group',
  GIT_OPERATION: 'glu.git.operation',
  EVENT_SOURCE: 'glu.event.source',
  /** A promotion that went through a freeze. */
  HOTFIX: 'glu.promotion.hotfix',
  /** The promotion request that a promotion carried out. */
  REQUEST_ID: 'glu.promotion.request_id',
} as const;

/** How a promotion's status reads as a CI/CD result, once it has ended. */
export function resultOf(
  status: PromotionRecord['status'],
): string | undefined {
  switch (status) {
    case 'succeeded':
      return 'success';
    case 'up-to-date':
      return 'skip';
    case 'failed':
      return 'failure';
    case 'closed':
    case 'superseded':
      return 'cancellation';
    default:
      return undefined;
  }
}

/**
 * A repository's address as it may be shown: without a user, password or
 * token in it, and without query or fragment.
 */
export function repositoryUrlOf(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    // scp-like (git@host:path) or a path: whatever precedes an @ goes.
    return url.replace(/^[^@/]*@/, '');
  }
}

/** What a write is: the attributes of its spans, in one place. */
export function promotionAttributes(promotion: {
  pipelineRef: string;
  kind: PromotionRecord['kind'];
  from?: string;
  to: string;
  strategy?: PromotionRecord['strategy'];
  trigger?: PromotionRecord['trigger'];
  triggeredBy?: string;
  id?: string;
  /** The version it brings, and where from. */
  version?: string;
  digest?: string;
  fromVersion?: string;
}): Attributes {
  return {
    [ATTR.PIPELINE]: promotion.pipelineRef,
    [ATTR.PHASE]: promotion.to,
    ...(promotion.from ? { [ATTR.FROM]: promotion.from } : {}),
    [ATTR.TO]: promotion.to,
    [ATTR.KIND]: promotion.kind,
    ...(promotion.strategy ? { [ATTR.STRATEGY]: promotion.strategy } : {}),
    ...(promotion.trigger ? { [ATTR.TRIGGER]: promotion.trigger } : {}),
    ...(promotion.triggeredBy ? { [ATTR.ACTOR]: promotion.triggeredBy } : {}),
    ...(promotion.id ? { [ATTR.RUN_ID]: promotion.id } : {}),
    ...(promotion.version ? { [ATTR.VERSION]: promotion.version } : {}),
    ...(promotion.digest ? { [ATTR.DIGEST]: promotion.digest } : {}),
    ...(promotion.fromVersion
      ? { [ATTR.FROM_VERSION]: promotion.fromVersion }
      : {}),
  };
}

/** What a record says of its outcome, for its spans. */
export function outcomeAttributes(record: PromotionRecord): Attributes {
  const result = resultOf(record.status);
  return {
    [ATTR.RUN_ID]: record.id,
    [ATTR.STATUS]: record.status,
    ...(result ? { [ATTR.RESULT]: result } : {}),
    ...(record.after ? { [ATTR.VERSION]: record.after.version } : {}),
    ...(record.after ? { [ATTR.DIGEST]: record.after.digest } : {}),
    ...(record.commitSha ? { [ATTR.HEAD_REVISION]: record.commitSha } : {}),
    ...(record.hotfix ? { [ATTR.HOTFIX]: true } : {}),
    ...(record.requestId ? { [ATTR.REQUEST_ID]: record.requestId } : {}),
    ...(record.pullRequest
      ? {
          [ATTR.CHANGE_ID]: String(record.pullRequest.number),
          [ATTR.CHANGE_STATE]: record.pullRequest.state,
          [ATTR.PROVIDER]: record.pullRequest.provider,
        }
      : {}),
  };
}

/**
 * The labels of a promotion's metrics: few values each (no version, digest
 * or id), so that series stay as many as pipelines and phases.
 */
export function promotionMetricAttributes(record: PromotionRecord): Attributes {
  return {
    [ATTR.PIPELINE]: record.pipelineRef,
    [ATTR.PHASE]: record.to,
    [ATTR.KIND]: record.kind,
    [ATTR.STRATEGY]: record.strategy,
    [ATTR.STATUS]: record.status,
    ...(record.hotfix ? { [ATTR.HOTFIX]: true } : {}),
  };
}

/** What a record is and where it stands, for the spans that follow it. */
export function recordAttributes(record: PromotionRecord): Attributes {
  return {
    ...promotionAttributes({
      pipelineRef: record.pipelineRef,
      kind: record.kind,
      from: record.from,
      to: record.to,
      strategy: record.strategy,
      trigger: record.trigger,
      triggeredBy: record.triggeredBy,
      fromVersion: record.fromVersion?.version,
    }),
    ...outcomeAttributes(record),
  };
}

/** Where a write goes in a repository. */
export function locationAttributes(location: {
  repository: string;
  branch?: string;
}): Attributes {
  return {
    [ATTR.REPOSITORY]: repositoryUrlOf(location.repository),
    ...(location.branch ? { [ATTR.HEAD_NAME]: location.branch } : {}),
  };
}
