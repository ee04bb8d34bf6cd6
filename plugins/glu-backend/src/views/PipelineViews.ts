import {
  EdgeView,
  PipelineDefinition,
  PipelineSummary,
  PipelineView,
} from '@glu-dev/plugin-glu-common';
import { foundPipeline } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';
import { Page } from '../store/types';
import {
  EdgeDecision,
  EdgeDecisions,
  PipelineSnapshot,
} from '../deciding/EdgeDecisions';
import { ViewCache } from './ViewCache';
import { quarantineMarkOf } from '../quarantine/Quarantines';

/** An edge as the API shows it: its definition and its decision. */
function edgeView({
  edge,
  to,
  decision,
  autoDeclined,
  approval,
  request,
}: EdgeDecision): EdgeView {
  return {
    from: edge.from,
    to: to.name,
    strategy: edge.strategy,
    auto: edge.auto,
    status: decision.status,
    reasons: decision.reasons,
    gates: decision.gates,
    ...(decision.promotionId ? { promotionId: decision.promotionId } : {}),
    ...(decision.pullRequest ? { pullRequest: decision.pullRequest } : {}),
    ...(autoDeclined ? { autoDeclined } : {}),
    ...(approval ? { approval } : {}),
    ...(request ? { request } : {}),
  };
}

/** What every view of a pipeline says of it, from its definition. */
export function pipelineHeader(pipeline: PipelineDefinition) {
  return {
    ref: pipeline.ref,
    name: pipeline.name,
    namespace: pipeline.namespace,
    ...(pipeline.title ? { title: pipeline.title } : {}),
    owner: pipeline.owner,
    components: pipeline.components,
  };
}

/**
 * A pipeline's view as the API answers it: the view and its JSON. A kept
 * view is serialized once per revision rather than on every read.
 */
export interface PipelineDocument {
  view: PipelineView;
  json: string;
}

function documentOf(view: PipelineView): PipelineDocument {
  return { view, json: JSON.stringify(view) };
}

/**
 * What a view is kept by: its pipeline's revision, and which freezes held
 * and quarantines were in force when it was decided (neither moves a
 * revision: either may apply to every pipeline).
 */
function keyOf(revision: string, epoch: string): string {
  return `${revision}/${epoch}`;
}

/**
 * The read side of the API: pipelines, their phases' state and their edges'
 * status, all from the store. Nothing here touches Git or a registry.
 *
 * Every replica keeps the views it computed with the revision of their
 * pipeline, which each change to what a view shows moves on (the store
 * counts them, on every replica's writes alike): a read whose pipeline has
 * not changed since asks the database for the revision alone. Views with
 * gates that follow the clock or the world outside are computed afresh on
 * every read.
 */
export class PipelineViews {
  private readonly kept: ViewCache<PipelineDocument>;
  private readonly keptSummaries: ViewCache<PipelineSummary>;

  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'pipelines'>;
      decisions: EdgeDecisions;
    },
  ) {
    this.kept = new ViewCache(deps.decisions.gates);
    this.keptSummaries = new ViewCache(deps.decisions.gates);
  }

  async getPipeline(ref: string): Promise<PipelineView> {
    return (await this.getPipelineDocument(ref)).view;
  }

  async getPipelineDocument(ref: string): Promise<PipelineDocument> {
    const { store } = this.deps;
    // The revision first: a view computed from anything newer is kept under
    // the older revision, and so never answers for a newer one.
    const [revision, epoch] = await Promise.all([
      store.pipelines.getPipelineRevision(ref),
      this.deps.decisions.epoch(),
    ]);
    foundPipeline(revision, ref);
    const kept = this.kept.get(ref, keyOf(revision!, epoch));
    if (kept) return kept;
    const pipeline = foundPipeline(await store.pipelines.getPipeline(ref), ref);
    const { view, snapshot } = await this.view(pipeline);
    const document = documentOf(view);
    // Kept under the freezes it was decided with, which may be newer.
    this.kept.keep(pipeline, keyOf(revision!, snapshot.epoch), document);
    return document;
  }

  private async view(
    pipeline: PipelineDefinition,
  ): Promise<{ view: PipelineView; snapshot: PipelineSnapshot }> {
    const { decisions } = this.deps;
    const snapshot = await decisions.snapshot(pipeline);
    const view: PipelineView = {
      ...pipelineHeader(pipeline),
      phases: pipeline.phases.map(phase => {
        const state = snapshot.states.get(phase.name);
        const pin = snapshot.pins.get(phase.name);
        const quarantine = quarantineMarkOf(
          snapshot.quarantines,
          pipeline.ref,
          state?.current,
        );
        return {
          name: phase.name,
          ...(phase.title ? { title: phase.title } : {}),
          source: phase.source,
          writable: Boolean(this.deps.decisions.sources.writable(phase)),
          ...(state?.current ? { state: state.current } : {}),
          ...(state?.refreshError
            ? {
                refreshError: state.refreshError,
                ...(state.refreshFailingSince
                  ? { refreshFailingSince: state.refreshFailingSince }
                  : {}),
              }
            : {}),
          ...(pin ? { pin } : {}),
          ...(quarantine ? { quarantine } : {}),
        };
      }),
      edges: (await decisions.decideAll(snapshot)).map(edgeView),
      ...(snapshot.freezes.length ? { freezes: snapshot.freezes } : {}),
    };
    return { view, snapshot };
  }

  async listPipelines(options: {
    component?: string;
    /** Any of these owners. */
    owner?: string[];
    limit: number;
    cursor?: string;
  }): Promise<Page<PipelineSummary>> {
    const { store, decisions } = this.deps;
    const [page, epoch] = await Promise.all([
      store.pipelines.listPipelines(options),
      decisions.epoch(),
    ]);
    const items: Array<PipelineSummary | undefined> = page.items.map(item =>
      this.keptSummaries.get(item.definition.ref, keyOf(item.revision, epoch)),
    );
    const missing = page.items.filter((_, i) => !items[i]);
    const snapshots = missing.length
      ? await decisions.snapshots(missing.map(item => item.definition))
      : [];
    const computed = new Map<string, PipelineSummary>();
    for (const [i, snapshot] of snapshots.entries()) {
      const summary = await this.summary(snapshot);
      computed.set(snapshot.pipeline.ref, summary);
      this.keptSummaries.keep(
        snapshot.pipeline,
        keyOf(missing[i].revision, snapshot.epoch),
        summary,
      );
    }
    return {
      nextCursor: page.nextCursor,
      items: page.items.map(
        (item, i) => items[i] ?? computed.get(item.definition.ref)!,
      ),
    };
  }

  private async summary(snapshot: PipelineSnapshot): Promise<PipelineSummary> {
    const { pipeline, states } = snapshot;
    const edges = await this.deps.decisions.decideAll(snapshot);
    return {
      ...pipelineHeader(pipeline),
      phases: pipeline.phases.map(phase => {
        const state = states.get(phase.name);
        return {
          name: phase.name,
          ...(state?.current
            ? { version: state.current.version, digest: state.current.digest }
            : {}),
          ...(state?.refreshError ? { refreshError: state.refreshError } : {}),
        };
      }),
      behind: edges.filter(e => e.decision.status === 'promotable').length,
    };
  }
}
