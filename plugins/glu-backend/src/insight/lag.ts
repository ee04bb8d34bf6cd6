import {
  EnvironmentLag,
  environmentOf,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import { GluStore } from '../store/GluStore';
import { HistoryMark } from '../store/DeliveryFigures';
import { DoraPeriod, median } from './dora';

/** The value under which 90% of these fall (nearest rank). */
function p90(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.9) - 1];
}

/** An edge of a pipeline, by its phases and the environments they stand for. */
interface EnvironmentEdge {
  pipelineRef: string;
  from: string;
  to: string;
  fromEnvironment: string;
  toEnvironment: string;
}

function edgesOf(pipelines: PipelineDefinition[]): EnvironmentEdge[] {
  return pipelines.flatMap(pipeline => {
    const environments = new Map(
      pipeline.phases.map(p => [p.name, environmentOf(p)]),
    );
    return pipeline.phases.flatMap(to =>
      to.edges.flatMap(edge => {
        const fromEnvironment = environments.get(edge.from);
        return fromEnvironment === undefined
          ? []
          : [
              {
                pipelineRef: pipeline.ref,
                from: edge.from,
                to: to.name,
                fromEnvironment,
                toEnvironment: environmentOf(to),
              },
            ];
      }),
    );
  });
}

/**
 * How long versions waited between environments over a period, per pair
 * of environments that an edge of these pipelines joins: for each version
 * the downstream phase came to hold in the period, from the time its
 * upstream phase first held it (a version it never held, or held only
 * after, is left out). Changes that kept the version are not versions
 * that arrived. Read in a few statements whatever the number of entries:
 * the downstream phases' history at once, and when the upstreams first
 * held what they came to hold, together.
 */
export async function environmentLag(
  store: Pick<GluStore, 'figures'>,
  pipelines: PipelineDefinition[],
  period: DoraPeriod,
): Promise<EnvironmentLag[]> {
  const edges = edgesOf(pipelines);
  if (edges.length === 0) return [];
  const downstream = new Map(
    edges.map(e => [
      `${e.pipelineRef}\n${e.to}`,
      { pipelineRef: e.pipelineRef, phase: e.to },
    ]),
  );
  const history = await store.figures.historyBetween(
    [...downstream.values()],
    period.from,
    period.to,
  );
  const entriesOf = new Map<string, HistoryMark[]>();
  for (const mark of history) {
    if (mark.keptVersion) continue;
    const key = `${mark.pipelineRef}\n${mark.phase}`;
    const group = entriesOf.get(key);
    if (group) group.push(mark);
    else entriesOf.set(key, [mark]);
  }
  // Asked at once: the store answers them together.
  const waits = await Promise.all(
    edges.map(async edge => {
      const entries = entriesOf.get(`${edge.pipelineRef}\n${edge.to}`) ?? [];
      if (entries.length === 0) return [];
      const first = await store.figures.firstHeld(
        edge.pipelineRef,
        [edge.from],
        entries,
      );
      return entries.flatMap(entry => {
        const held = first.get(entry.digest);
        if (!held) return [];
        const seconds =
          (Date.parse(entry.observedAt) - Date.parse(held.at)) / 1000;
        return seconds >= 0 ? [seconds] : [];
      });
    }),
  );
  const byPair = new Map<string, EnvironmentLag & { waits: number[] }>();
  edges.forEach((edge, index) => {
    const key = `${edge.fromEnvironment}\n${edge.toEnvironment}`;
    let pair = byPair.get(key);
    if (!pair) {
      pair = {
        from: edge.fromEnvironment,
        to: edge.toEnvironment,
        changes: 0,
        waits: [],
      };
      byPair.set(key, pair);
    }
    pair.waits.push(...waits[index]);
  });
  return [...byPair.values()].map(({ waits: all, from, to }) => {
    const middle = median(all);
    const high = p90(all);
    return {
      from,
      to,
      changes: all.length,
      ...(middle !== undefined ? { median: Math.round(middle) } : {}),
      ...(high !== undefined ? { p90: Math.round(high) } : {}),
    };
  });
}
