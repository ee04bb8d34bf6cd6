import {
  PhaseDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import {
  GluFormat,
  GluSource,
  GluSourcePhase,
  GluWritableSource,
  isWritableSource,
} from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { Holding } from './decision';
import { resourceOf } from './resources';

/**
 * The sources of phases, as registered by modules: what a source is asked
 * about a phase (its definition and format), and whether and how the phase
 * can be written into. The engine knows sources only through this.
 */
export class PhaseSources {
  constructor(
    private readonly deps: {
      sources: ExtensionRegistry<GluSource>;
      formats: ExtensionRegistry<GluFormat>;
    },
  ) {}

  /** The registered source of a type. */
  get(type: string): GluSource | undefined {
    return this.deps.sources.get(type);
  }

  /** What a source is told of a phase: its definition, and its format. */
  phase(pipeline: PipelineDefinition, phase: PhaseDefinition): GluSourcePhase {
    // `format: kubernetes`, or `format: { type: kubernetes, … }`.
    const option = (phase.source as { format?: unknown }).format;
    const named =
      typeof option === 'string'
        ? option
        : (option as { type?: unknown } | undefined)?.type;
    const format =
      typeof named === 'string' ? this.deps.formats.get(named) : undefined;
    return {
      pipelineRef: pipeline.ref,
      phase: phase.name,
      config: phase.source,
      ...(format ? { format } : {}),
    };
  }

  /** The source that writes a phase, or why the phase cannot be written. */
  writer(
    phase: PhaseDefinition,
  ): { source: GluWritableSource } | { unwritable: string } {
    const source = this.deps.sources.get(phase.source.type);
    if (!source) {
      return {
        unwritable: `the source type ${phase.source.type} of ${phase.name} is not installed`,
      };
    }
    if (!isWritableSource(source)) {
      return {
        unwritable: `${phase.name} reads from a ${phase.source.type} source, which Glu cannot write to`,
      };
    }
    return { source };
  }

  /** What a phase would hold once these fields are written into it. */
  holding(
    pipeline: PipelineDefinition,
    phase: PhaseDefinition,
    fields: Record<string, string>,
  ): Holding | undefined {
    const writer = this.writer(phase);
    if (!('source' in writer)) return undefined;
    const projected = writer.source.project(
      this.phase(pipeline, phase),
      fields,
    );
    return 'problem' in projected ? projected : resourceOf(projected.fields);
  }
}
