import { refProblem } from './refs';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { intervalMillis } from './durations';

/**
 * Who must approve a version before it goes along an edge, and who may not:
 * the approvals gate's configuration, in one form. `approvals: 2` is two
 * people who may approve, with no other rule;
 * `approvals: { from: [{ group: sre, count: 2 }], notBy: [requester] }`
 * names groups and keeps the requester out.
 *
 * @public
 */
export interface ApprovalPolicyDefinition {
  /** How many distinct people in all; by default the groups' counts together (at least 1). */
  count: number;
  /** How many from each group (full group refs, in lower case). */
  from: Array<{ group: string; count: number }>;
  /** Who may not approve: who asks for the promotion, who made the version. */
  notBy: Array<'requester' | 'author'>;
  /** How long an approval counts, e.g. `24h`; for ever when absent. */
  maxAge?: string;
}

const NOT_BY = ['requester', 'author'];
const KEYS = ['count', 'from', 'notBy', 'maxAge'];

function groupRef(group: unknown): string | undefined {
  if (typeof group !== 'string') return undefined;
  const { ref } = refProblem(group, 'group', 'default');
  if (!ref || ref.kind.toLocaleLowerCase('en-US') !== 'group') return undefined;
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}

/**
 * What is wrong with an approvals gate's configuration, in words for people.
 *
 * @public
 */
export function approvalPolicyProblems(config: unknown): string[] {
  if (Number.isInteger(config) && (config as number) > 0) return [];
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    return [
      'must be how many people must approve, e.g. 2, or a policy, e.g. { from: [{ group: sre, count: 2 }], notBy: [requester, author] }',
    ];
  }
  const policy = config as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(policy)) {
    if (!KEYS.includes(key)) {
      problems.push(`"${key}" is not count, from, notBy or maxAge`);
    }
  }
  const { count, from, notBy, maxAge } = policy;
  if (count !== undefined && !(Number.isInteger(count) && Number(count) > 0)) {
    problems.push('count must be how many people must approve, e.g. 2');
  }
  if (from !== undefined) {
    if (!Array.isArray(from) || from.length === 0 || from.length > 20) {
      problems.push(
        'from must list 1 to 20 groups, e.g. [{ group: sre, count: 2 }]',
      );
    } else {
      from.forEach((entry, i) => {
        const { group, count: n } = (entry ?? {}) as Record<string, unknown>;
        if (!groupRef(group)) {
          problems.push(
            `from[${i}].group must name a group, e.g. group:default/sre`,
          );
        }
        if (!(Number.isInteger(n) && Number(n) > 0)) {
          problems.push(
            `from[${i}].count must be how many of the group, e.g. 1`,
          );
        }
      });
    }
  }
  if (
    notBy !== undefined &&
    !(Array.isArray(notBy) && notBy.every(n => NOT_BY.includes(n as string)))
  ) {
    problems.push('notBy must list requester, author or both');
  }
  if (maxAge !== undefined && intervalMillis(maxAge) === undefined) {
    problems.push('maxAge must be a duration like 24h');
  }
  if (problems.length === 0) {
    const needed = ((from as Array<{ count: number }>) ?? []).reduce(
      (sum, f) => sum + f.count,
      0,
    );
    if (count !== undefined && Number(count) < needed) {
      problems.push(
        `count (${count}) must be at least the groups' counts together (${needed})`,
      );
    }
  }
  return problems;
}

/**
 * An approvals gate's configuration as a policy; a number is that many
 * people, with no other rule. A configuration with problems is refused
 * before it is read (`approvalPolicyProblems`).
 *
 * @public
 */
export function approvalPolicyOf(config: unknown): ApprovalPolicyDefinition {
  if (typeof config === 'number') return { count: config, from: [], notBy: [] };
  const policy = config as {
    count?: number;
    from?: Array<{ group: string; count: number }>;
    notBy?: Array<'requester' | 'author'>;
    maxAge?: string;
  };
  const from = (policy.from ?? []).map(f => ({
    group: groupRef(f.group)!,
    count: f.count,
  }));
  const needed = from.reduce((sum, f) => sum + f.count, 0);
  return {
    count: policy.count ?? Math.max(needed, 1),
    from,
    // Separation of duties unless the policy says otherwise.
    notBy: policy.notBy ?? ['requester', 'author'],
    ...(policy.maxAge ? { maxAge: policy.maxAge } : {}),
  };
}
