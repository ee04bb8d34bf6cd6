/* eslint-disable new-cap -- openapi-fetch names its methods by HTTP method: GET, POST, DELETE */
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import createClient from 'openapi-fetch';
import type { paths } from './schema/openapi.generated';
import {
  Approval,
  CatalogRefusal,
  FleetDiff,
  FleetPage,
  FleetPromotionResult,
  Freeze,
  PromotionRequest,
  Quarantine,
  GluExtensionTypes,
  GluHealth,
  HistoryDiff,
  HistoryEntry,
  OperationBody,
  OwnerDora,
  Page,
  Pin,
  PipelineDora,
  PipelineRefresh,
  PipelineSummary,
  PipelineView,
  Promotion,
  PromotionDryRun,
  PublishResult,
} from './api';
import { GLU_PLUGIN_ID } from './constants';
import {
  DoraPeriodOptions,
  FleetOptions,
  FleetPromotionRequest,
  fleetQuery,
  FreezeRequest,
  GluClientOptions,
  PageOptions,
  periodQuery,
  pipelineParams,
  PromoteRequest,
  PublishRequest,
  QuarantineRequest,
  RollbackRequest,
} from './clientOptions';

/**
 * The typed client of the Glu HTTP API (`/api/glu`): its requests and
 * answers are typed by the types generated from the OpenAPI document
 * (openapi-fetch); this class adds where the backend is (discovery), who
 * asks (the fetchApi's credentials) and errors as Backstage's
 * ResponseError.
 *
 * @public
 */
export class GluClient {
  private readonly discoveryApi: GluClientOptions['discoveryApi'];
  private readonly api: ReturnType<typeof createClient<paths>>;

  constructor(options: GluClientOptions) {
    this.discoveryApi = options.discoveryApi;
    const fetchApi = options.fetchApi ?? {
      fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
    };
    this.api = createClient<paths>({
      fetch: async request => {
        // Handed on as a URL and its options, not as the Request itself:
        // the fetch API's middlewares (credentials, plugin:// URLs) build
        // requests of their own from what they are given, and a Request
        // whose body another Request took cannot be read again.
        const body =
          request.method === 'GET' || request.method === 'HEAD'
            ? undefined
            : await request.text();
        const response = await fetchApi.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          ...(body ? { body } : {}),
          signal: request.signal,
        });
        if (!response.ok) throw await ResponseError.fromResponse(response);
        return response;
      },
    });
  }

  private async baseUrl() {
    return { baseUrl: await this.discoveryApi.getBaseUrl(GLU_PLUGIN_ID) };
  }

  async getHealth(): Promise<GluHealth> {
    const { data } = await this.api.GET('/health', await this.baseUrl());
    return data!;
  }

  async getExtensions(): Promise<GluExtensionTypes> {
    const { data } = await this.api.GET('/extensions', await this.baseUrl());
    return data!;
  }

  /** The definitions of the calling user's pipelines that the catalog refused. */
  async listCatalogRefusals(): Promise<{ items: CatalogRefusal[] }> {
    const { data } = await this.api.GET(
      '/catalog-refusals',
      await this.baseUrl(),
    );
    return data!;
  }

  /** Records that the catalog refused a definition (the catalog's own call). */
  async recordCatalogRefusal(
    ref: string | CompoundEntityRef,
    refusal: OperationBody<'RecordCatalogRefusal'>,
  ): Promise<void> {
    await this.api.PUT('/catalog-refusals/{namespace}/{name}', {
      ...(await this.baseUrl()),
      params: { path: pipelineParams(ref) },
      body: refusal,
    });
  }

  /** Records that the catalog accepted a definition (the catalog's own call). */
  async forgetCatalogRefusal(ref: string | CompoundEntityRef): Promise<void> {
    await this.api.DELETE('/catalog-refusals/{namespace}/{name}', {
      ...(await this.baseUrl()),
      params: { path: pipelineParams(ref) },
    });
  }

  /**
   * Pipelines, filtered by the component they deliver or their owner: any
   * of several owners, e.g. a person and their groups.
   */
  async listPipelines(
    options: {
      component?: string;
      owner?: string | string[];
      /** The caller's own pipelines (a user's token): theirs and their groups'. */
      mine?: boolean;
    } & PageOptions = {},
  ): Promise<Page<PipelineSummary>> {
    const { owner, ...rest } = options;
    const { data } = await this.api.GET('/pipelines', {
      ...(await this.baseUrl()),
      params: {
        query: {
          ...rest,
          ...(owner !== undefined ? { owner: [owner].flat() } : {}),
        },
      },
    });
    return data!;
  }

  /**
   * A page of the fleet: the pipelines the caller may read (of some owners
   * or systems), each with what its phases hold under their environments.
   */
  async getFleet(options: FleetOptions = {}): Promise<FleetPage> {
    const { data } = await this.api.GET('/fleet', {
      ...(await this.baseUrl()),
      params: { query: fleetQuery(options) },
    });
    return data!;
  }

  /**
   * The pipelines of a page of the fleet whose `to` environment does not
   * hold what their `from` environment holds, e.g. staging → production.
   */
  async diffFleet(
    environments: { from: string; to: string },
    options: FleetOptions = {},
  ): Promise<FleetDiff> {
    const { data } = await this.api.GET('/fleet/diff', {
      ...(await this.baseUrl()),
      params: { query: { ...environments, ...fleetQuery(options) } },
    });
    return data!;
  }

  /**
   * Several promotions at once, each through its own gates and
   * permissions; the answer says what each did.
   */
  async promoteFleet(
    items: FleetPromotionRequest[],
  ): Promise<{ items: FleetPromotionResult[] }> {
    const { data } = await this.api.POST('/fleet/promotions', {
      ...(await this.baseUrl()),
      body: { items },
    });
    return data!;
  }

  /** A pipeline with every phase's state and every edge's status. */
  async getPipeline(ref: string | CompoundEntityRef): Promise<PipelineView> {
    const { data } = await this.api.GET('/pipelines/{namespace}/{name}', {
      ...(await this.baseUrl()),
      params: { path: pipelineParams(ref) },
    });
    return data!;
  }

  /**
   * The pipeline's DORA figures over a period (by default the last 30
   * days), and its deployments.
   */
  async getPipelineDora(
    ref: string | CompoundEntityRef,
    period: DoraPeriodOptions = {},
  ): Promise<PipelineDora> {
    const { data } = await this.api.GET('/pipelines/{namespace}/{name}/dora', {
      ...(await this.baseUrl()),
      params: { path: pipelineParams(ref), query: periodQuery(period) },
    });
    return data!;
  }

  /**
   * The DORA figures of every pipeline these owners own (that the caller
   * may read), together and one by one.
   */
  async getOwnerDora(
    owner: string | string[],
    period: DoraPeriodOptions = {},
  ): Promise<OwnerDora> {
    const { data } = await this.api.GET('/dora', {
      ...(await this.baseUrl()),
      params: { query: { owner: [owner].flat(), ...periodQuery(period) } },
    });
    return data!;
  }

  /** When Glu last looked at each of the pipeline's phases. */
  async getPipelineRefresh(
    ref: string | CompoundEntityRef,
  ): Promise<PipelineRefresh> {
    const { data } = await this.api.GET(
      '/pipelines/{namespace}/{name}/refresh',
      { ...(await this.baseUrl()), params: { path: pipelineParams(ref) } },
    );
    return data!;
  }

  /** Looks at the pipeline's sources now. */
  async refreshPipeline(
    ref: string | CompoundEntityRef,
  ): Promise<PipelineView> {
    const { data } = await this.api.POST(
      '/pipelines/{namespace}/{name}/refresh',
      { ...(await this.baseUrl()), params: { path: pipelineParams(ref) } },
    );
    return data!;
  }

  /** A phase's history, newest first. */
  async listHistory(
    ref: string | CompoundEntityRef,
    phase: string,
    options: PageOptions = {},
  ): Promise<Page<HistoryEntry>> {
    const { data } = await this.api.GET(
      '/pipelines/{namespace}/{name}/phases/{phase}/history',
      {
        ...(await this.baseUrl()),
        params: { path: { ...pipelineParams(ref), phase }, query: options },
      },
    );
    return data!;
  }

  /** The difference between two entries of a phase's history. */
  async diffHistory(
    ref: string | CompoundEntityRef,
    phase: string,
    entries: { from: string; to: string },
  ): Promise<HistoryDiff> {
    const { data } = await this.api.GET(
      '/pipelines/{namespace}/{name}/phases/{phase}/diff',
      {
        ...(await this.baseUrl()),
        params: { path: { ...pipelineParams(ref), phase }, query: entries },
      },
    );
    return data!;
  }

  /** A pipeline's promotions, newest first. */
  async listPromotions(
    ref: string | CompoundEntityRef,
    options: { phase?: string } & PageOptions = {},
  ): Promise<Page<Promotion>> {
    const { data } = await this.api.GET(
      '/pipelines/{namespace}/{name}/promotions',
      {
        ...(await this.baseUrl()),
        params: { path: pipelineParams(ref), query: options },
      },
    );
    return data!;
  }

  async getPromotion(id: string): Promise<Promotion> {
    const { data } = await this.api.GET('/promotions/{id}', {
      ...(await this.baseUrl()),
      params: { path: { id } },
    });
    return data!;
  }

  /** Promotes the upstream version into a phase. */
  async promote(
    ref: string | CompoundEntityRef,
    request: PromoteRequest,
  ): Promise<Promotion> {
    return (await this.createPromotion(ref, request)).data as Promotion;
  }

  /** What a promotion would change: the versions and the diff. */
  async dryRunPromotion(
    ref: string | CompoundEntityRef,
    request: PromoteRequest,
  ): Promise<PromotionDryRun> {
    return (await this.createPromotion(ref, { ...request, dryRun: true }))
      .data as PromotionDryRun;
  }

  private async createPromotion(
    ref: string | CompoundEntityRef,
    body: OperationBody<'CreatePromotion'>,
  ) {
    return this.api.POST('/pipelines/{namespace}/{name}/promotions', {
      ...(await this.baseUrl()),
      params: { path: pipelineParams(ref) },
      body,
    });
  }

  /** Holds a phase at its current version, with a reason. */
  async pinPhase(
    ref: string | CompoundEntityRef,
    phase: string,
    reason: string,
  ): Promise<Pin> {
    const { data } = await this.api.POST(
      '/pipelines/{namespace}/{name}/phases/{phase}/pin',
      {
        ...(await this.baseUrl()),
        params: { path: { ...pipelineParams(ref), phase } },
        body: { reason },
      },
    );
    return data!;
  }

  /** Releases a pinned phase. */
  async unpinPhase(
    ref: string | CompoundEntityRef,
    phase: string,
  ): Promise<void> {
    await this.api.DELETE('/pipelines/{namespace}/{name}/phases/{phase}/pin', {
      ...(await this.baseUrl()),
      params: { path: { ...pipelineParams(ref), phase } },
    });
  }

  /** Puts a phase back in an earlier state of its history. */
  async rollback(
    ref: string | CompoundEntityRef,
    phase: string,
    request: RollbackRequest,
  ): Promise<Promotion> {
    return (await this.rollbackPhase(ref, phase, request)).data as Promotion;
  }

  /**
   * What a rollback would do: whether it would write, and the diff it would
   * commit against the phase's file as it is now.
   */
  async dryRunRollback(
    ref: string | CompoundEntityRef,
    phase: string,
    request: RollbackRequest,
  ): Promise<PromotionDryRun> {
    return (await this.rollbackPhase(ref, phase, { ...request, dryRun: true }))
      .data as PromotionDryRun;
  }

  private async rollbackPhase(
    ref: string | CompoundEntityRef,
    phase: string,
    body: OperationBody<'RollbackPhase'>,
  ) {
    return this.api.POST(
      '/pipelines/{namespace}/{name}/phases/{phase}/rollback',
      {
        ...(await this.baseUrl()),
        params: { path: { ...pipelineParams(ref), phase } },
        body,
      },
    );
  }

  /**
   * Approves, for a phase, the version that its upstream phase holds now
   * (edges with an approvals gate); `from` names the upstream phase when the
   * phase has several.
   */
  async approve(
    ref: string | CompoundEntityRef,
    phase: string,
    request: OperationBody<'ApproveVersion'> = {},
  ): Promise<Approval> {
    const { data } = await this.api.POST(
      '/pipelines/{namespace}/{name}/phases/{phase}/approvals',
      {
        ...(await this.baseUrl()),
        params: { path: { ...pipelineParams(ref), phase } },
        body: request,
      },
    );
    return data!;
  }

  /** Publishes a version to an `api` phase, as CI does. */
  async publishVersion(
    ref: string | CompoundEntityRef,
    phase: string,
    version: PublishRequest,
    options: {
      /**
       * The W3C trace context of the CI run that made the version: the
       * version's trace in Glu continues it.
       */
      traceparent?: string;
    } = {},
  ): Promise<PublishResult> {
    const { data } = await this.api.POST(
      '/pipelines/{namespace}/{name}/phases/{phase}/versions',
      {
        ...(await this.baseUrl()),
        params: {
          path: { ...pipelineParams(ref), phase },
          ...(options.traceparent
            ? { header: { traceparent: options.traceparent } }
            : {}),
        },
        body: version,
      },
    );
    return data!;
  }

  /** The freezes that hold promotions now or will. */
  async listFreezes(): Promise<Freeze[]> {
    const { data } = await this.api.GET('/freezes', await this.baseUrl());
    return data!.items;
  }

  /** Sets a freeze. */
  async setFreeze(request: FreezeRequest): Promise<Freeze> {
    const { data } = await this.api.POST('/freezes', {
      ...(await this.baseUrl()),
      body: request,
    });
    return data!;
  }

  /** Lifts a freeze set at run time. */
  async liftFreeze(id: string): Promise<void> {
    await this.api.DELETE('/freezes/{id}', {
      ...(await this.baseUrl()),
      params: { path: { id } },
    });
  }

  /** The quarantines in force, or those that apply to one pipeline. */
  async listQuarantines(
    options: { pipeline?: string | CompoundEntityRef } = {},
  ): Promise<Quarantine[]> {
    let pipeline: string | undefined;
    if (typeof options.pipeline === 'string') pipeline = options.pipeline;
    else if (options.pipeline) {
      pipeline = `pipeline:${options.pipeline.namespace}/${options.pipeline.name}`;
    }
    const { data } = await this.api.GET('/quarantines', {
      ...(await this.baseUrl()),
      params: { query: pipeline ? { pipeline } : {} },
    });
    return data!.items;
  }

  /** Quarantines a version of a pipeline, or a digest everywhere. */
  async quarantine(request: QuarantineRequest): Promise<Quarantine> {
    const { data } = await this.api.POST('/quarantines', {
      ...(await this.baseUrl()),
      body: request,
    });
    return data!;
  }

  /** Lifts a quarantine. */
  async liftQuarantine(id: string): Promise<void> {
    await this.api.DELETE('/quarantines/{id}', {
      ...(await this.baseUrl()),
      params: { path: { id } },
    });
  }

  /** Asks for a promotion that waits for its approval policy. */
  async requestPromotion(
    ref: string | CompoundEntityRef,
    request: OperationBody<'RequestPromotion'>,
  ): Promise<PromotionRequest> {
    const { data } = await this.api.POST(
      '/pipelines/{namespace}/{name}/requests',
      {
        ...(await this.baseUrl()),
        params: { path: pipelineParams(ref) },
        body: request,
      },
    );
    return data!;
  }

  /** A pipeline's promotion requests, newest first. */
  async listPromotionRequests(
    ref: string | CompoundEntityRef,
    options: { status?: PromotionRequest['status']; limit?: number } = {},
  ): Promise<PromotionRequest[]> {
    const { data } = await this.api.GET(
      '/pipelines/{namespace}/{name}/requests',
      {
        ...(await this.baseUrl()),
        params: { path: pipelineParams(ref), query: options },
      },
    );
    return data!.items;
  }

  /** Withdraws an open promotion request. */
  async withdrawPromotionRequest(
    ref: string | CompoundEntityRef,
    id: string,
  ): Promise<void> {
    await this.api.DELETE('/pipelines/{namespace}/{name}/requests/{id}', {
      ...(await this.baseUrl()),
      params: { path: { ...pipelineParams(ref), id } },
    });
  }
}
