/*
 * What a validation knows of the world: the source, format and gate types
 * that exist (Glu's own by default; the backend adds those of modules), which
 * sources Glu can write into, and how to check a gate's configuration.
 */
import { builtInGateProblems } from './gates';

/**
 * The source types that Glu itself provides.
 *
 * @public
 */
export const BUILT_IN_SOURCE_TYPES = ['api', 'git', 'helm', 'oci'];

/**
 * The source types that Glu itself provides and can write into.
 *
 * @public
 */
export const BUILT_IN_WRITABLE_SOURCE_TYPES = ['git'];

/**
 * The gates that Glu itself provides.
 *
 * @public
 */
export const BUILT_IN_GATE_TYPES = [
  'approvals',
  'checks',
  'http',
  'soak',
  'window',
];

/**
 * The formats that Glu itself provides for `git` phases.
 *
 * @public
 */
export const BUILT_IN_FORMAT_TYPES = [
  'helm-values',
  'kubernetes',
  'kustomize',
  'yaml-path',
];

/** @public */
export interface PipelineValidationOptions {
  /**
   * The source types that exist. Defaults to the built-in ones; the backend
   * passes what modules registered.
   */
  sourceTypes?: string[];
  /** The format types that exist, likewise. */
  formatTypes?: string[];
  /** The gate types that exist, likewise. */
  gateTypes?: string[];
  /**
   * The source types that Glu can write into: phases of other types cannot be
   * promoted into.
   * Defaults to the built-in ones.
   */
  writableSourceTypes?: string[];
  /**
   * What is wrong with a gate's configuration. Defaults to checking the
   * built-in gates; the backend also asks the gates of modules.
   */
  gateProblems?: (type: string, config: unknown) => string[] | undefined;
}

/** The options with their defaults filled in, as the checks use them. */
export interface KnownTypes {
  sourceTypes: Set<string>;
  formatTypes: Set<string>;
  gateTypes: Set<string>;
  writableSourceTypes: Set<string>;
  gateProblems: NonNullable<PipelineValidationOptions['gateProblems']>;
}

export function knownTypes(options: PipelineValidationOptions): KnownTypes {
  return {
    sourceTypes: new Set(options.sourceTypes ?? BUILT_IN_SOURCE_TYPES),
    formatTypes: new Set(options.formatTypes ?? BUILT_IN_FORMAT_TYPES),
    gateTypes: new Set(options.gateTypes ?? BUILT_IN_GATE_TYPES),
    writableSourceTypes: new Set(
      options.writableSourceTypes ?? BUILT_IN_WRITABLE_SOURCE_TYPES,
    ),
    gateProblems: options.gateProblems ?? builtInGateProblems,
  };
}
