import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  HistoryEntry,
  Page,
  Pin,
  PipelineSummary,
  PipelineView,
  Promotion,
  PromotionDryRun,
} from './api';
import { GLU_PLUGIN_ID } from './constants';
import { GluExtensionTypes, GluHealth } from './types';

/** How the client finds the backend and authenticates its requests. */
export type GluClientOptions = {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** A fetch that adds credentials, e.g. Backstage's fetchApi. */
  fetchApi?: { fetch: typeof fetch };
};

/** The answer of an approval: the version and everyone who approved it. */
export type Approval = {
  digest: string;
  version: string;
  /** User refs, one per person. */
  approvers: string[];
};

/** The difference between two history entries of a phase. */
export type HistoryDiff = {
  from: HistoryEntry;
  to: HistoryEntry;
  /** The unified diff of the phase's file; empty when it did not change. */
  diff: string;
};

/** Paging options of the lists that can grow. */
export type PageOptions = { limit?: number; cursor?: string };

function pipelinePath(ref: string | CompoundEntityRef): string {
  const { namespace, name } =
    typeof ref === 'string'
      ? parseEntityRef(ref, {
          defaultKind: 'pipeline',
          defaultNamespace: 'default',
        })
      : ref;
  return `/pipelines/${encodeURIComponent(namespace)}/${encodeURIComponent(
    name,
  )}`;
}

function query(
  params: Record<string, string | string[] | number | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    // A list repeats the parameter: owner=a&owner=b.
    for (const one of [value].flat()) {
      if (one !== undefined && one !== '') search.append(key, String(one));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The typed client of the Glu HTTP API (`/api/glu`). */
export class GluClient {
  private readonly discoveryApi: GluClientOptions['discoveryApi'];
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: GluClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (...args) => fetch(...args) };
  }

  async getHealth(): Promise<GluHealth> {
    return this.request<GluHealth>('/health');
  }

  async getExtensions(): Promise<GluExtensionTypes> {
    return this.request<GluExtensionTypes>('/extensions');
  }

  /**
   * Pipelines, filtered by the component they deliver or their owner: any
   * of several owners, e.g. a person and their groups.
   */
  async listPipelines(
    options: {
      component?: string;
      owner?: string | string[];
    } & PageOptions = {},
  ): Promise<Page<PipelineSummary>> {
    return this.request(`/pipelines${query(options)}`);
  }

  /** A pipeline with every phase's state and every edge's status. */
  async getPipeline(ref: string | CompoundEntityRef): Promise<PipelineView> {
    return this.request(pipelinePath(ref));
  }

  /** Looks at the pipeline's sources now. */
  async refreshPipeline(
    ref: string | CompoundEntityRef,
  ): Promise<PipelineView> {
    return this.request(`${pipelinePath(ref)}/refresh`, { method: 'POST' });
  }

  /** A phase's history, newest first. */
  async listHistory(
    ref: string | CompoundEntityRef,
    phase: string,
    options: PageOptions = {},
  ): Promise<Page<HistoryEntry>> {
    return this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/history${query(
        options,
      )}`,
    );
  }

  /** The difference between two entries of a phase's history. */
  async diffHistory(
    ref: string | CompoundEntityRef,
    phase: string,
    entries: { from: string; to: string },
  ): Promise<HistoryDiff> {
    return this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/diff${query(
        entries,
      )}`,
    );
  }

  /** A pipeline's promotions, newest first. */
  async listPromotions(
    ref: string | CompoundEntityRef,
    options: { phase?: string } & PageOptions = {},
  ): Promise<Page<Promotion>> {
    return this.request(`${pipelinePath(ref)}/promotions${query(options)}`);
  }

  async getPromotion(id: string): Promise<Promotion> {
    return this.request(`/promotions/${encodeURIComponent(id)}`);
  }

  /** Promotes the upstream version into a phase. */
  async promote(
    ref: string | CompoundEntityRef,
    request: { phase: string; from?: string },
  ): Promise<Promotion> {
    return this.request(`${pipelinePath(ref)}/promotions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  /** What a promotion would change: the versions and the diff. */
  async dryRunPromotion(
    ref: string | CompoundEntityRef,
    request: { phase: string; from?: string },
  ): Promise<PromotionDryRun> {
    return this.request(`${pipelinePath(ref)}/promotions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...request, dryRun: true }),
    });
  }

  /** Holds a phase at its current version, with a reason. */
  async pinPhase(
    ref: string | CompoundEntityRef,
    phase: string,
    reason: string,
  ): Promise<Pin> {
    return this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/pin`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason }),
      },
    );
  }

  /** Puts a phase back in an earlier state of its history. */
  async rollback(
    ref: string | CompoundEntityRef,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
  ): Promise<Promotion> {
    return this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/rollback`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
  }

  /**
   * What a rollback would do: whether it would write, and the diff it would
   * commit against the phase's file as it is now.
   */
  async dryRunRollback(
    ref: string | CompoundEntityRef,
    phase: string,
    request: { historyId: string; pin?: { reason: string } },
  ): Promise<PromotionDryRun> {
    return this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/rollback`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...request, dryRun: true }),
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
    request: { from?: string } = {},
  ): Promise<Approval> {
    return this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/approvals`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
  }

  /** Releases a pinned phase. */
  async unpinPhase(
    ref: string | CompoundEntityRef,
    phase: string,
  ): Promise<void> {
    await this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/pin`,
      { method: 'DELETE' },
      false,
    );
  }

  /** Publishes a version to an `api` phase, as CI does. */
  async publishVersion(
    ref: string | CompoundEntityRef,
    phase: string,
    version: {
      version?: string;
      fields?: Record<string, string>;
      digest?: string;
    },
  ): Promise<{ changed: boolean; state: HistoryEntry }> {
    return this.request(
      `${pipelinePath(ref)}/phases/${encodeURIComponent(phase)}/versions`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(version),
      },
    );
  }

  private async request<T>(
    path: string,
    init?: RequestInit,
    json = true,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(GLU_PLUGIN_ID);
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (json ? await response.json() : undefined) as T;
  }
}
