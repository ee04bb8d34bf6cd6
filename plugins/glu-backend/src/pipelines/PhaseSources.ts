import {
  PhaseDefinition,
  PipelineDefinition,
} from '@glu-dev/plugin-glu-common';
import {
  GluFormat,
  GluPhaseLocation,
  GluSource,
  GluSourcePhase,
  GluWritableSource,
  GluWriteScopes,
  isWritableSource,
  ownerMissingProblem,
} from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { readingBack } from './readBack';
import { SyncedPipeline } from '../store/types';
import { Holding, resourceOf } from './resources';

/** What writes into a phase, and where the phase lives. */
export interface PhaseTarget {
  source: GluWritableSource;
  sourcePhase: GluSourcePhase;
  location: GluPhaseLocation;
}

/** Why a phase cannot be written into. */
export interface Unwritable {
  unwritable: string;
  /**
   * Its source is read-only, or the pipeline may not write where it lives
   * (outside its write scopes, or its owner is not in the catalog).
   */
  refusal: 'read-only' | 'out-of-scope';
}

/**
 * The sources of phases, as registered by modules: what a source is asked
 * about a phase (its definition and format, which refuses a write it could
 * not read back), and whether, where and how the phase can be written into
 * (its source, and the platform's write scopes). The engine knows sources
 * only through this.
 */
export class PhaseSources {
  constructor(
    private readonly deps: {
      sources: ExtensionRegistry<GluSource>;
      formats: ExtensionRegistry<GluFormat>;
      /** Where pipelines may write. */
      scopes: GluWriteScopes;
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
    const registered =
      typeof named === 'string' ? this.deps.formats.get(named) : undefined;
    const format = registered && this.checked(registered);
    return {
      pipelineRef: pipeline.ref,
      phase: phase.name,
      config: phase.source,
      ...(format ? { format } : {}),
    };
  }

  /** Each format as sources are given it: its writes read back. */
  private readonly readingBack = new WeakMap<GluFormat, GluFormat>();

  private checked(format: GluFormat): GluFormat {
    let checked = this.readingBack.get(format);
    if (!checked) {
      checked = readingBack(format);
      this.readingBack.set(format, checked);
    }
    return checked;
  }

  /** The writable source of a phase, if its source can be written into. */
  writable(phase: PhaseDefinition): GluWritableSource | undefined {
    const source = this.deps.sources.get(phase.source.type);
    return isWritableSource(source) ? source : undefined;
  }

  /** Where a phase of a writable source lives. */
  locate(
    pipeline: PipelineDefinition,
    phase: PhaseDefinition,
  ): GluPhaseLocation | undefined {
    return this.writable(phase)?.locate(this.phase(pipeline, phase));
  }

  /**
   * What writes into a phase and where, or why the pipeline cannot write
   * there: the phase's source is read-only, the pipeline's owner is not in
   * the catalog (so it owns nothing), or the location is outside the
   * platform's write scopes for the pipeline's owner. Every decision and
   * every write asks this.
   */
  target(
    pipeline: SyncedPipeline,
    phase: PhaseDefinition,
  ): PhaseTarget | Unwritable {
    const source = this.deps.sources.get(phase.source.type);
    if (!source) {
      return {
        unwritable: `the source type ${phase.source.type} of ${phase.name} is not installed`,
        refusal: 'read-only',
      };
    }
    if (!isWritableSource(source)) {
      return {
        unwritable: `${phase.name} reads from a ${phase.source.type} source, which Glu cannot write to`,
        refusal: 'read-only',
      };
    }
    if (pipeline.ownerMissing) {
      return {
        unwritable: ownerMissingProblem(pipeline.owner),
        refusal: 'out-of-scope',
      };
    }
    const sourcePhase = this.phase(pipeline, phase);
    const location = source.locate(sourcePhase);
    const outside = this.deps.scopes.problem(pipeline, location);
    if (outside) return { unwritable: outside, refusal: 'out-of-scope' };
    return { source, sourcePhase, location };
  }

  /** What a phase would hold once these fields are written into it. */
  holding(
    pipeline: PipelineDefinition,
    phase: PhaseDefinition,
    fields: Record<string, string>,
  ): Holding | undefined {
    const source = this.writable(phase);
    if (!source) return undefined;
    const projected = source.project(this.phase(pipeline, phase), fields);
    return 'problem' in projected ? projected : resourceOf(projected.fields);
  }
}
