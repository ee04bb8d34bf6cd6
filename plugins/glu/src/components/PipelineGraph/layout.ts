/** A phase's place in the graph: its column is its depth in the DAG. */
export type PipelineLayout = {
  /** Phase names per column, left to right, each in definition order. */
  columns: string[][];
  /** The column of each phase. */
  depth: Map<string, number>;
};

/**
 * Lays a pipeline out left to right: a phase sits one column to the right of
 * the deepest phase it is promoted from, so every edge points rightwards.
 * Phases keep their definition order within a column. The backend refuses
 * cycles; should one slip through, its phases go to a last column rather
 * than looping.
 */
export function layoutPipeline(
  phases: ReadonlyArray<{ name: string }>,
  edges: ReadonlyArray<{ from: string; to: string }>,
): PipelineLayout {
  const names = new Set(phases.map(p => p.name));
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  for (const { name } of phases) {
    upstream.set(name, []);
    downstream.set(name, []);
  }
  for (const { from, to } of edges) {
    if (!names.has(from) || !names.has(to)) continue;
    upstream.get(to)!.push(from);
    downstream.get(from)!.push(to);
  }

  // Kahn's algorithm: a phase's depth is known once all its upstreams' are.
  const depth = new Map<string, number>();
  const waiting = new Map(
    phases.map(p => [p.name, upstream.get(p.name)!.length]),
  );
  const ready = phases.filter(p => waiting.get(p.name) === 0).map(p => p.name);
  for (let i = 0; i < ready.length; i++) {
    const name = ready[i];
    const d = Math.max(-1, ...upstream.get(name)!.map(u => depth.get(u)!)) + 1;
    depth.set(name, d);
    for (const next of downstream.get(name)!) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  const deepest = Math.max(-1, ...depth.values());
  for (const { name } of phases) {
    if (!depth.has(name)) depth.set(name, deepest + 1);
  }

  const columns: string[][] = [];
  for (const { name } of phases) {
    const d = depth.get(name)!;
    while (columns.length <= d) columns.push([]);
    columns[d].push(name);
  }
  return { columns, depth };
}
