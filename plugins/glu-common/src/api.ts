/*
 * The shapes of the HTTP API under /api/glu: names for the types generated
 * from the OpenAPI document (plugins/glu-backend/src/schema/openapi.yaml),
 * which is where they are described.
 */
import type { components, operations } from './schema/openapi.generated';

/**
 * The API's schemas, by name.
 *
 * @public
 */
export type GluApiSchemas = components['schemas'];

/**
 * The JSON answer of an operation, by its operation id and status.
 *
 * @public
 */
export type OperationAnswer<
  Id extends keyof operations,
  Status extends keyof operations[Id]['responses'] = 200 &
    keyof operations[Id]['responses'],
> = operations[Id]['responses'][Status] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

/**
 * The JSON body of an operation's request, by its operation id.
 *
 * @public
 */
export type OperationBody<Id extends keyof operations> = NonNullable<
  operations[Id]['requestBody']
> extends { content: { 'application/json': infer Body } }
  ? Body
  : never;

/**
 * A page of a list that can grow.
 *
 * @public
 */
export type Page<T> = {
  items: T[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
};

/**
 * A version of a resource: its identity and what people call it.
 *
 * @public
 */
export type VersionRef = GluApiSchemas['VersionRef'];

/**
 * One state that a phase was observed in.
 *
 * @public
 */
export type HistoryEntry = GluApiSchemas['HistoryEntry'];

/**
 * Why a phase's state changed.
 *
 * @public
 */
export type HistoryCause = HistoryEntry['cause'];

/**
 * A promotion and its outcome.
 *
 * @public
 */
export type Promotion = GluApiSchemas['Promotion'];

/**
 * Where a promotion stands. By pull request: `open` until the pull request
 * merges (`merged`, then `succeeded` once the phase is seen holding the
 * version), is closed without merge (`closed`), or is replaced by a newer
 * proposal (`superseded`).
 *
 * @public
 */
export type PromotionStatus = Promotion['status'];

/**
 * A check reported on a pull request's head commit.
 *
 * @public
 */
export type PullRequestCheck = GluApiSchemas['PullRequestCheck'];

/**
 * The pull request that carries a promotion.
 *
 * @public
 */
export type PullRequestRef = GluApiSchemas['PullRequestRef'];

/**
 * The answer of a dry run: what a promotion or a rollback would do, decided
 * exactly as the promotion itself would be, and the diff it would commit.
 *
 * @public
 */
export type PromotionDryRun = GluApiSchemas['PromotionDryRun'];

/**
 * The four DORA figures over a period, with a day-by-day series.
 *
 * @public
 */
export type DoraFigures = GluApiSchemas['DoraFigures'];

/**
 * A version that reached a production phase, as DORA counts it.
 *
 * @public
 */
export type DoraDeployment = GluApiSchemas['DoraDeployment'];

/**
 * A pipeline's DORA figures over a period, and its deployments.
 *
 * @public
 */
export type PipelineDora = GluApiSchemas['PipelineDora'];

/**
 * The DORA figures of every pipeline that some owners own.
 *
 * @public
 */
export type OwnerDora = GluApiSchemas['OwnerDora'];

/**
 * A phase held at a version: automatic promotion leaves it alone.
 *
 * @public
 */
export type Pin = GluApiSchemas['Pin'];

/**
 * A phase and what it holds now.
 *
 * @public
 */
export type PhaseView = GluApiSchemas['PhaseView'];

/**
 * What a gate said about an edge's promotion.
 *
 * @public
 */
export type GateResult = GluApiSchemas['GateResult'];

/**
 * A metric a gate measures, with its measurements for the upstream's version.
 *
 * @public
 */
export type GateMetric = GluApiSchemas['GateMetric'];

/**
 * One measurement of a gate's metric.
 *
 * @public
 */
export type GateMeasurement = GluApiSchemas['GateMeasurement'];

/**
 * A promotion edge and whether there is something to promote.
 *
 * @public
 */
export type EdgeView = GluApiSchemas['EdgeView'];

/**
 * Whether an edge has something to promote, and if not, why.
 *
 * @public
 */
export type EdgeStatus = EdgeView['status'];

/**
 * A pipeline with every phase's state and every edge's status.
 *
 * @public
 */
export type PipelineView = GluApiSchemas['PipelineView'];

/**
 * When Glu last looked at each phase of a pipeline.
 *
 * @public
 */
export type PipelineRefresh = GluApiSchemas['PipelineRefresh'];

/**
 * A pipeline in a list: phases' versions in one row.
 *
 * @public
 */
export type PipelineSummary = GluApiSchemas['PipelineSummary'];

/**
 * The answer of an approval: the version and everyone who approved it.
 *
 * @public
 */
export type Approval = OperationAnswer<'ApproveVersion'>;

/**
 * The difference between two history entries of a phase.
 *
 * @public
 */
export type HistoryDiff = OperationAnswer<'DiffPhaseHistory'>;

/**
 * What publishing a version did: whether the phase changed, and its state.
 *
 * @public
 */
export type PublishResult = OperationAnswer<'PublishVersion'>;

/**
 * A pipeline definition that the catalog refused, and why.
 *
 * @public
 */
export type CatalogRefusal = GluApiSchemas['CatalogRefusal'];

/**
 * The answer of `GET /api/glu/health`.
 *
 * @public
 */
export type GluHealth = OperationAnswer<'GetHealth'>;

/**
 * The answer of `GET /api/glu/extensions`: what the backend can run.
 *
 * @public
 */
export type GluExtensionTypes = OperationAnswer<'GetExtensions'>;

/**
 * A hold on promotions into the phases it covers.
 *
 * @public
 */
export type Freeze = GluApiSchemas['Freeze'];

/**
 * What a freeze covers: every part given must match.
 *
 * @public
 */
export type FreezeScope = GluApiSchemas['FreezeScope'];

/**
 * An active freeze that covers phases of a pipeline, as its view shows it.
 *
 * @public
 */
export type PipelineFreeze = GluApiSchemas['PipelineFreeze'];

/**
 * A promotion that went through a freeze, and why.
 *
 * @public
 */
export type Hotfix = GluApiSchemas['Hotfix'];

/**
 * A version that nobody may promote again, and the phases that hold it.
 *
 * @public
 */
export type Quarantine = GluApiSchemas['Quarantine'];

/**
 * The quarantine a version is under, where the version is shown.
 *
 * @public
 */
export type QuarantineMark = GluApiSchemas['QuarantineMark'];

/**
 * A promotion asked for by someone who may not make it, waiting on its edge.
 *
 * @public
 */
export type PromotionRequest = GluApiSchemas['PromotionRequest'];

/**
 * Where an edge's approvals gate stands for the version its upstream holds.
 *
 * @public
 */
export type ApprovalStatus = GluApiSchemas['ApprovalStatus'];

/**
 * A pipeline as the fleet shows it, by its row.
 *
 * @public
 */
export type FleetPipeline = GluApiSchemas['FleetPipeline'];

/**
 * What one phase of a pipeline holds, under the environment it stands for.
 *
 * @public
 */
export type FleetCell = GluApiSchemas['FleetCell'];

/**
 * Where a phase stands in the fleet: up to date, behind, blocked, …
 *
 * @public
 */
export type FleetCellStatus = FleetCell['status'];

/**
 * A pipeline of the fleet with what each of its phases holds.
 *
 * @public
 */
export type FleetRow = GluApiSchemas['FleetRow'];

/**
 * A page of the fleet: its columns (environments, upstream first) and rows.
 *
 * @public
 */
export type FleetPage = OperationAnswer<'GetFleet'>;

/**
 * A pipeline whose `to` environment lags its `from` environment.
 *
 * @public
 */
export type FleetDiffItem = GluApiSchemas['FleetDiffItem'];

/**
 * Two environments compared across (a page of) the fleet.
 *
 * @public
 */
export type FleetDiff = OperationAnswer<'DiffFleet'>;

/**
 * What one promotion of a fleet promotion did.
 *
 * @public
 */
export type FleetPromotionResult = GluApiSchemas['FleetPromotionResult'];

/**
 * How long versions waited between two environments over a period.
 *
 * @public
 */
export type EnvironmentLag = GluApiSchemas['EnvironmentLag'];
