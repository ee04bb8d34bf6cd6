/*
 * The phases as a graph: every edge comes from another phase that exists,
 * the edges form no cycle, and the phases are ordered so that every phase
 * comes after its upstream phases.
 */
import { PhaseDefinition } from './types';
import { PipelineSpec } from './specSchema';

/**
 * What is wrong with where the edges come from: a phase that does not exist,
 * the phase itself, or a phase listed twice.
 */
export function upstreamIssues(
  phases: PhaseDefinition[],
  spec: PipelineSpec,
): string[] {
  const issues: string[] = [];
  const names = new Set(spec.phases.map(phase => phase.name));
  phases.forEach((phase, index) => {
    const froms = new Set<string>();
    phase.edges.forEach((edge, edgeIndex) => {
      const at = Array.isArray(spec.phases[index].promotion)
        ? `spec.phases[${index}].promotion[${edgeIndex}].from`
        : `spec.phases[${index}].promotion.from`;
      if (!names.has(edge.from)) {
        issues.push(`${at}: there is no phase named "${edge.from}"`);
      } else if (edge.from === phase.name) {
        issues.push(`${at}: a phase cannot promote from itself`);
      } else if (froms.has(edge.from)) {
        issues.push(`${at}: "${edge.from}" is listed twice`);
      }
      froms.add(edge.from);
    });
  });
  return issues;
}

/** Finds a cycle among the promotion edges, as a list of phase names. */
export function findCycle(phases: PhaseDefinition[]): string[] | undefined {
  const upstreams = new Map(
    phases.map(p => [p.name, p.edges.map(e => e.from)]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') {
      return [...stack.slice(stack.indexOf(name)), name];
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const from of upstreams.get(name) ?? []) {
      const cycle = visit(from);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const phase of phases) {
    const cycle = visit(phase.name);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/** Orders phases so that every phase comes after its upstream phases. */
export function topologicalOrder(phases: PhaseDefinition[]): PhaseDefinition[] {
  const byName = new Map(phases.map(p => [p.name, p]));
  const ordered: PhaseDefinition[] = [];
  const seen = new Set<string>();
  const visit = (phase: PhaseDefinition) => {
    if (seen.has(phase.name)) return;
    seen.add(phase.name);
    for (const edge of phase.edges) {
      const upstream = byName.get(edge.from);
      if (upstream) visit(upstream);
    }
    ordered.push(phase);
  };
  phases.forEach(visit);
  return ordered;
}
