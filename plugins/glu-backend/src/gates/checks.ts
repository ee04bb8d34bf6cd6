import {
  builtInGateProblems,
  requiredChecks,
} from '@glu-dev/plugin-glu-common';
import { GluGate, GluPullRequestCheck } from '@glu-dev/plugin-glu-node';

/** As GitHub counts them for required checks: neutral and skipped pass. */
function passing(check: GluPullRequestCheck): boolean {
  return (
    check.state === 'success' ||
    check.state === 'neutral' ||
    check.state === 'skipped'
  );
}

/**
 * `checks`: for promotions by pull request, the checks on the pull request's
 * head are green before Glu merges it. `{ checks: all }` waits for every
 * check reported (at least one); `{ checks: [build, e2e] }` or
 * `{ checks: { required: [build, e2e] } }` for the named ones. Before the pull
 * request exists there is nothing to check, so the pull request can open.
 */
export const checksGate: GluGate = {
  type: 'checks',
  // The checks as last seen on the pull request, kept in its record.
  cacheable: true,
  validate: config => builtInGateProblems('checks', config)!,
  async evaluate(config, context) {
    const required = requiredChecks(config) ?? 'all';
    const pullRequest = context.pullRequest;
    if (!pullRequest) {
      return {
        passed: true,
        reason: 'checked on the pull request, before it merges',
      };
    }
    // A check that ran more than once counts by its latest run.
    const byName = new Map<string, GluPullRequestCheck>();
    for (const check of pullRequest.checks) byName.set(check.name, check);
    const checks =
      required === 'all'
        ? [...byName.values()]
        : required.map(
            name =>
              byName.get(name) ?? {
                name,
                state: 'pending' as const,
              },
          );
    const at = `#${pullRequest.number}`;
    if (checks.length === 0) {
      return { passed: false, reason: `no checks reported on ${at} yet` };
    }
    const failing = checks.filter(c => c.state === 'failure');
    const waiting = checks.filter(c => !passing(c) && c.state !== 'failure');
    if (failing.length > 0) {
      return {
        passed: false,
        reason: `${failing.map(c => c.name).join(', ')} failed on ${at}`,
      };
    }
    if (waiting.length > 0) {
      const missing = waiting.filter(c => !pullRequest.checks.includes(c));
      return {
        passed: false,
        reason: `waiting for ${waiting
          .map(c =>
            missing.includes(c) ? `${c.name} (not reported yet)` : c.name,
          )
          .join(', ')} on ${at}`,
      };
    }
    return {
      passed: true,
      reason: `${checks.map(c => c.name).join(', ')} passed on ${at}`,
    };
  },
};
