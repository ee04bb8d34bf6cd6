import { Config } from '@backstage/config';

/**
 * Glu's optimizations, each of which can be switched off
 * (`glu.optimizations.<name>: false`) to measure what it gains. They change
 * how fast Glu answers and writes, never what it answers or writes.
 */
export interface GluOptimizations {
  /** Statements of the same moment asked together (the store's batchers). */
  batching: boolean;
  /**
   * Promotions by commit announced to their repository while they are
   * planned: the commit waits for them, and its fetch starts with the first.
   */
  announcedWrites: boolean;
  /**
   * The files of announced promotions read as soon as the fetch their commit
   * builds on is done, while they are still planned.
   */
  readAhead: boolean;
  /** A YAML text parsed once while it is kept, for every reader of it. */
  yamlParseCache: boolean;
  /** A kept view serialized and gzipped once per revision, not per answer. */
  gzippedViews: boolean;
  /**
   * The plumbing's git started by a small process of its own, so that the
   * backend does not fork for each (sources/git/spawner.ts).
   */
  gitSpawner: boolean;
}

const NAMES: Array<keyof GluOptimizations> = [
  'batching',
  'announcedWrites',
  'readAhead',
  'yamlParseCache',
  'gzippedViews',
  'gitSpawner',
];

/** `glu.optimizations`: every optimization on unless switched off. */
export function gluOptimizations(config: Config): GluOptimizations {
  const section = config.getOptionalConfig('glu.optimizations');
  for (const key of section?.keys() ?? []) {
    if (!NAMES.includes(key as keyof GluOptimizations)) {
      throw new Error(
        `glu.optimizations.${key} is not an optimization; known: ${NAMES.join(
          ', ',
        )}`,
      );
    }
  }
  return Object.fromEntries(
    NAMES.map(name => [name, section?.getOptionalBoolean(name) !== false]),
  ) as unknown as GluOptimizations;
}
