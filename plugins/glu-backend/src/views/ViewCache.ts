import { PipelineDefinition } from '@glu-dev/plugin-glu-common';
import { GluGate } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';

/** At most this many pipelines' views are kept, the least recently read dropped. */
const KEPT_VIEWS = 5_000;

/**
 * Views of pipelines kept by the revision they were computed at, which every
 * change to what a view shows moves on (the store's unit of work, on every
 * replica's writes alike): a kept view answers as long as its pipeline's
 * revision is the same, and nothing else invalidates it. Only views whose
 * gates all say they are `cacheable` (their answers follow from the store
 * alone) are kept; others follow the clock or the world outside, and are
 * computed afresh on every read.
 */
export class ViewCache<T> {
  private readonly views = new Map<string, { revision: string; view: T }>();

  constructor(private readonly gates: ExtensionRegistry<GluGate>) {}

  /** The view kept for this revision of a pipeline, if any. */
  get(ref: string, revision: string): T | undefined {
    const kept = this.views.get(ref);
    if (!kept) return undefined;
    this.views.delete(ref);
    if (kept.revision !== revision) return undefined;
    // Read last: dropped last.
    this.views.set(ref, kept);
    return kept.view;
  }

  /** Keeps a view computed at a revision, when the pipeline's gates allow it. */
  keep(pipeline: PipelineDefinition, revision: string, view: T): void {
    if (!this.keeps(pipeline)) return;
    this.views.delete(pipeline.ref);
    this.views.set(pipeline.ref, { revision, view });
    if (this.views.size > KEPT_VIEWS) {
      this.views.delete(this.views.keys().next().value!);
    }
  }

  /** Whether a pipeline's views may be kept by revision. */
  keeps(pipeline: PipelineDefinition): boolean {
    return pipeline.phases.every(phase =>
      phase.edges.every(edge =>
        edge.gates.every(gate =>
          Object.entries(gate).every(([type, config]) => {
            const found = this.gates.get(type);
            return found?.cacheable && (found.cacheableWith?.(config) ?? true);
          }),
        ),
      ),
    );
  }
}
