import { GluSource } from '@glu-dev/plugin-glu-node';

/**
 * `api`: a phase whose versions are published to Glu through the HTTP API,
 * e.g. by CI when a build is done, instead of being polled from a registry.
 */
export const apiSource: GluSource = {
  type: 'api',
  writable: false,
};
