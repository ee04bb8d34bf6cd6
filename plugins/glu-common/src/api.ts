/*
 * The shapes of the HTTP API under /api/glu: names for the types generated
 * from the OpenAPI document (plugins/glu-backend/src/schema/openapi.yaml),
 * which is where they are described.
 */
import type { components, operations } from './schema/openapi.generated';

type Schemas = components['schemas'];

/** The JSON answer of an operation, by its operation id and status. */
export type OperationAnswer<
  Id extends keyof operations,
  Status extends keyof operations[Id]['responses'] = 200 &
    keyof operations[Id]['responses'],
> = operations[Id]['responses'][Status] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

/** The JSON body of an operation's request, by its operation id. */
export type OperationBody<Id extends keyof operations> = NonNullable<
  operations[Id]['requestBody']
> extends { content: { 'application/json': infer Body } }
  ? Body
  : never;

/** A page of a list that can grow. */
export type Page<T> = {
  items: T[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
};

/** A version of a resource: its identity and what people call it. */
export type VersionRef = Schemas['VersionRef'];

/** One state that a phase was observed in. */
export type HistoryEntry = Schemas['HistoryEntry'];

/** Why a phase's state changed. */
export type HistoryCause = HistoryEntry['cause'];

/** A promotion and its outcome. */
export type Promotion = Schemas['Promotion'];

/**
 * Where a promotion stands. By pull request: `open` until the pull request
 * merges (`merged`, then `succeeded` once the phase is seen holding the
 * version), is closed without merge (`closed`), or is replaced by a newer
 * proposal (`superseded`).
 */
export type PromotionStatus = Promotion['status'];

/** A check reported on a pull request's head commit. */
export type PullRequestCheck = Schemas['PullRequestCheck'];

/** The pull request that carries a promotion. */
export type PullRequestRef = Schemas['PullRequestRef'];

/**
 * The answer of a dry run: what a promotion or a rollback would do, decided
 * exactly as the promotion itself would be, and the diff it would commit.
 */
export type PromotionDryRun = Schemas['PromotionDryRun'];

/** A phase held at a version: automatic promotion leaves it alone. */
export type Pin = Schemas['Pin'];

/** A phase and what it holds now. */
export type PhaseView = Schemas['PhaseView'];

/** What a gate said about an edge's promotion. */
export type GateResult = Schemas['GateResult'];

/** A promotion edge and whether there is something to promote. */
export type EdgeView = Schemas['EdgeView'];

/** Whether an edge has something to promote, and if not, why. */
export type EdgeStatus = EdgeView['status'];

/** A pipeline with every phase's state and every edge's status. */
export type PipelineView = Schemas['PipelineView'];

/** A pipeline in a list: phases' versions in one row. */
export type PipelineSummary = Schemas['PipelineSummary'];

/** The answer of an approval: the version and everyone who approved it. */
export type Approval = OperationAnswer<'ApproveVersion'>;

/** The difference between two history entries of a phase. */
export type HistoryDiff = OperationAnswer<'DiffPhaseHistory'>;

/** What publishing a version did: whether the phase changed, and its state. */
export type PublishResult = OperationAnswer<'PublishVersion'>;

/** The answer of `GET /api/glu/health`. */
export type GluHealth = OperationAnswer<'GetHealth'>;

/** The answer of `GET /api/glu/extensions`: what the backend can run. */
export type GluExtensionTypes = OperationAnswer<'GetExtensions'>;
