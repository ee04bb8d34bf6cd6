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
   * Git run by a small process of its own, so that the backend does not
   * fork for each command (sources/git/spawner.ts).
   */
  gitSpawner: boolean;
}

const NAMES: Array<keyof GluOptimizations> = [
  'batching',
  'announcedWrites',
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
