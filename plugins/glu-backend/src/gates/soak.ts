import {
  builtInGateProblems,
  intervalMillis,
} from '@glu-dev/plugin-glu-common';
import { GluGate } from '@glu-dev/plugin-glu-node';
import { humanizeMillis as humanize } from '../deciding/gates';

/**
 * `soak`: the upstream phase has held this version for at least a duration,
 * e.g. `{ soak: 30m }`.
 */
export const soakGate: GluGate = {
  type: 'soak',
  // Follows the clock.
  cacheable: false,
  validate: config => builtInGateProblems('soak', config)!,
  async evaluate(config, context) {
    const required = intervalMillis(config) ?? 0;
    const held = context.now.getTime() - context.from.since.getTime();
    const passed = held >= required;
    return {
      passed,
      reason: passed
        ? `${context.from.phase} has held ${
            context.from.version
          } for ${humanize(held)} (at least ${config})`
        : `${context.from.phase} has held ${
            context.from.version
          } for ${humanize(held)} of ${config}`,
    };
  },
};
