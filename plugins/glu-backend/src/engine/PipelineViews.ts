import { NotFoundError } from '@backstage/errors';
import {
  EdgeView,
  PipelineDefinition,
  PipelineSummary,
  PipelineView,
} from '@glu-dev/plugin-glu-common';
import { DatabaseGluStore } from '../store/DatabaseGluStore';
import { Page } from '../store/types';
import { EdgeDecision, EdgeDecisions, PipelineSnapshot } from './EdgeDecisions';

/** An edge as the API shows it: its definition and its decision. */
function edgeView({ edge, to, decision }: EdgeDecision): EdgeView {
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
  };
}

/** What every view of a pipeline says of it, from its definition. */
function pipelineHeader(pipeline: PipelineDefinition) {
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
 * The read side of the API: pipelines, their phases' state and their edges'
 * status, all from the store. Nothing here touches Git or a registry.
 */
export class PipelineViews {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      decisions: EdgeDecisions;
    },
  ) {}

  async getPipeline(ref: string): Promise<PipelineView> {
    const { store, decisions } = this.deps;
    const pipeline = await store.getPipeline(ref);
    if (!pipeline) {
      throw new NotFoundError(`No pipeline ${ref}`);
    }
    const snapshot = await decisions.snapshot(pipeline);
    return {
      ...pipelineHeader(pipeline),
      phases: pipeline.phases.map(phase => {
        const state = snapshot.states.get(phase.name);
        const pin = snapshot.pins.get(phase.name);
        return {
          name: phase.name,
          ...(phase.title ? { title: phase.title } : {}),
          source: phase.source,
          writable: Boolean(this.deps.decisions.sources.writable(phase)),
          ...(state?.current ? { state: state.current } : {}),
          ...(state?.refreshedAt ? { refreshedAt: state.refreshedAt } : {}),
          ...(state?.refreshError ? { refreshError: state.refreshError } : {}),
          ...(pin ? { pin } : {}),
        };
      }),
      edges: (await decisions.decideAll(snapshot)).map(edgeView),
    };
  }

  async listPipelines(options: {
    component?: string;
    /** Any of these owners. */
    owner?: string[];
    limit: number;
    cursor?: string;
  }): Promise<Page<PipelineSummary>> {
    const { store, decisions } = this.deps;
    const page = await store.listPipelines(options);
    const snapshots = await decisions.snapshots(page.items);
    return {
      ...page,
      items: await Promise.all(snapshots.map(s => this.summary(s))),
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
