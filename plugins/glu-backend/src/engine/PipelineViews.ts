import { NotFoundError } from '@backstage/errors';
import {
  EdgeView,
  Pin,
  GitSourceDefinition,
  PipelineDefinition,
  PipelineSummary,
  PipelineView,
} from '@glu-dev/plugin-glu-common';
import { GluFormat, GluGate } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { DatabaseGluStore } from '../store/DatabaseGluStore';
import { Page, PhaseState, PromotionRecord } from '../store/types';
import { evaluateGates } from './gates';
import { pinnedMessage } from './Pins';
import { digestOf, project } from './resources';

/**
 * The read side of the API: pipelines, their phases' state and their edges'
 * status, all from the store. Nothing here touches Git or a registry.
 */
export class PipelineViews {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      formats: ExtensionRegistry<GluFormat>;
      gates: ExtensionRegistry<GluGate>;
    },
  ) {}

  private async edges(
    pipeline: PipelineDefinition,
    states: Map<string, PhaseState>,
    active: PromotionRecord[],
    pins: Pin[],
  ): Promise<EdgeView[]> {
    const edges: EdgeView[] = [];
    for (const phase of pipeline.phases) {
      for (const edge of phase.promotions) {
        const view: EdgeView = {
          from: edge.from,
          to: phase.name,
          strategy: edge.strategy,
          auto: edge.auto,
          status: 'up-to-date',
          reasons: [],
          gates: [],
        };
        edges.push(view);
        const running = active.find(
          p => p.from === edge.from && p.to === phase.name,
        );
        if (running && running.strategy !== 'pull-request') {
          view.status = 'in-progress';
          view.promotionId = running.id;
          continue;
        }
        const upstream = states.get(edge.from);
        const target = states.get(phase.name);
        let wanted: string | undefined;
        if (upstream?.current) {
          let fields = upstream.current.fields;
          if (phase.source.type === 'git') {
            const format = (phase.source as GitSourceDefinition).format;
            fields = project(
              fields,
              this.deps.formats.get(format.type),
              format,
            );
          }
          wanted = digestOf(fields);
        }
        // An open pull request proposes the upstream version: the edge waits
        // for it. One that proposes an older version is shown, and replaced
        // by the next promotion.
        const proposal =
          running?.pullRequest && running.status === 'open'
            ? running
            : undefined;
        if (proposal) view.pullRequest = proposal.pullRequest;
        if (upstream?.current && edge.gates.length > 0) {
          view.gates = await evaluateGates({
            gates: this.deps.gates,
            store: this.deps.store,
            definitions: edge.gates,
            pipelineRef: pipeline.ref,
            from: { phase: edge.from, state: upstream.current },
            to: { phase: phase.name, state: target?.current },
            ...(proposal && proposal.after?.digest === wanted
              ? { pullRequest: proposal.pullRequest }
              : {}),
          });
        }
        if (running && running.after?.digest === wanted) {
          view.status = 'in-progress';
          view.promotionId = running.id;
          const failed = view.gates.filter(g => !g.passed);
          view.reasons.push(...failed.map(g => `${g.type}: ${g.reason}`));
          continue;
        }
        if (!upstream?.current) {
          view.status = 'blocked';
          view.reasons.push(
            `${edge.from} has not been observed yet${
              upstream?.refreshError ? `: ${upstream.refreshError}` : ''
            }`,
          );
        }
        const pin = pins.find(p => p.phase === phase.name);
        if (pin) {
          view.status = 'blocked';
          view.reasons.push(pinnedMessage(pin));
        }
        if (!target?.current) {
          view.status = 'blocked';
          view.reasons.push(
            `${phase.name} has not been observed yet${
              target?.refreshError ? `: ${target.refreshError}` : ''
            }`,
          );
        }
        if (
          view.status === 'blocked' ||
          !upstream?.current ||
          !target?.current
        ) {
          continue;
        }
        const failed = view.gates.filter(g => !g.passed);
        if (wanted === target.current.digest) {
          view.status = 'up-to-date';
        } else if (failed.length > 0) {
          view.status = 'blocked';
          view.reasons.push(...failed.map(g => `${g.type}: ${g.reason}`));
        } else {
          view.status = 'promotable';
        }
      }
    }
    return edges;
  }

  async getPipeline(ref: string): Promise<PipelineView> {
    const { store } = this.deps;
    const pipeline = await store.getPipeline(ref);
    if (!pipeline) {
      throw new NotFoundError(`No pipeline ${ref}`);
    }
    const [states, active, pins] = await Promise.all([
      store.getPhaseStates([ref]),
      store.listActivePromotions([ref]),
      store.getPins([ref]),
    ]);
    const byName = new Map(states.map(s => [s.phase, s]));
    return {
      ref: pipeline.ref,
      name: pipeline.name,
      namespace: pipeline.namespace,
      ...(pipeline.title ? { title: pipeline.title } : {}),
      owner: pipeline.owner,
      components: pipeline.components,
      phases: pipeline.phases.map(phase => {
        const state = byName.get(phase.name);
        return {
          name: phase.name,
          ...(phase.title ? { title: phase.title } : {}),
          source: phase.source,
          ...(state?.current ? { state: state.current } : {}),
          ...(state?.refreshedAt ? { refreshedAt: state.refreshedAt } : {}),
          ...(state?.refreshError ? { refreshError: state.refreshError } : {}),
          ...(() => {
            const found = pins.find(p => p.phase === phase.name);
            if (!found) return {};
            const { pipelineRef: _ref, ...pin } = found;
            return { pin };
          })(),
        };
      }),
      edges: await this.edges(pipeline, byName, active, pins),
    };
  }

  async listPipelines(options: {
    component?: string;
    /** Any of these owners. */
    owner?: string[];
    limit: number;
    cursor?: string;
  }): Promise<Page<PipelineSummary>> {
    const { store } = this.deps;
    const page = await store.listPipelines(options);
    const refs = page.items.map(p => p.ref);
    const [states, active, pins] = await Promise.all([
      store.getPhaseStates(refs),
      store.listActivePromotions(refs),
      store.getPins(refs),
    ]);
    return {
      ...page,
      items: await Promise.all(
        page.items.map(async pipeline => {
          const byName = new Map(
            states
              .filter(s => s.pipelineRef === pipeline.ref)
              .map(s => [s.phase, s]),
          );
          const edges = await this.edges(
            pipeline,
            byName,
            active.filter(p => p.pipelineRef === pipeline.ref),
            pins.filter(p => p.pipelineRef === pipeline.ref),
          );
          return {
            ref: pipeline.ref,
            name: pipeline.name,
            namespace: pipeline.namespace,
            ...(pipeline.title ? { title: pipeline.title } : {}),
            owner: pipeline.owner,
            components: pipeline.components,
            phases: pipeline.phases.map(phase => {
              const current = byName.get(phase.name)?.current;
              return {
                name: phase.name,
                ...(current
                  ? { version: current.version, digest: current.digest }
                  : {}),
              };
            }),
            behind: edges.filter(e => e.status === 'promotable').length,
          };
        }),
      ),
    };
  }
}
