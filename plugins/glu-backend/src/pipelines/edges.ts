import { InputError } from '@backstage/errors';
import { EdgeDefinition, PhaseDefinition } from '@glu-dev/plugin-glu-common';

/*
 * Which edge a write into a phase goes by: the one rule that promotions,
 * rollbacks, pull requests, approvals and the edge decisions all ask.
 */

/**
 * The edge a promotion into a phase goes by: the one from `from`, or the
 * only one; or what is wrong with the request.
 */
export function promotionEdge(
  phase: PhaseDefinition,
  from: string | undefined,
): { edge: EdgeDefinition } | { problem: string } {
  if (phase.edges.length === 0) {
    return {
      problem: `The phase ${phase.name} has no promotion: nothing promotes into it`,
    };
  }
  if (from) {
    const edge = phase.edges.find(e => e.from === from);
    return edge
      ? { edge }
      : { problem: `The phase ${phase.name} does not promote from "${from}"` };
  }
  if (phase.edges.length === 1) return { edge: phase.edges[0] };
  return {
    problem: `The phase ${phase.name} promotes from ${phase.edges
      .map(e => e.from)
      .join(', ')}; say which one in "from"`,
  };
}

/** The edge a promotion goes by, or an InputError that says what to name. */
export function requirePromotionEdge(
  phase: PhaseDefinition,
  from: string | undefined,
): EdgeDefinition {
  const chosen = promotionEdge(phase, from);
  if ('problem' in chosen) throw new InputError(chosen.problem);
  return chosen.edge;
}

/**
 * How a rollback writes into a phase: by the edge into it (its first), if
 * any; a phase nothing promotes into is written by commit.
 */
export function rollbackEdge(
  phase: PhaseDefinition,
): EdgeDefinition | undefined {
  return phase.edges[0];
}

/** The edge a recorded write went by: a rollback's, or its promotion's. */
export function edgeOfWrite(
  phase: PhaseDefinition,
  write: { kind: 'promotion' | 'rollback'; from: string },
): EdgeDefinition | undefined {
  return write.kind === 'rollback'
    ? rollbackEdge(phase)
    : phase.edges.find(e => e.from === write.from);
}
