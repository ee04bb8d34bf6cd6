/*
 * A phase's edges (its `promotion:`, one edge or a list of them for fan-in):
 * the strategy, the pull-request options and the gates on each edge.
 */
import { z } from 'zod';
import { EdgeDefinition } from './types';
import { knownNames, zodIssues } from './issues';
import { PIPELINE_LIMITS } from './limits';
import { KnownTypes } from './validationOptions';

const promotionSchema = z.strictObject({
  from: z.string().min(1),
  strategy: z.enum(['commit', 'pull-request']).default('commit'),
  auto: z.boolean().default(false),
  gates: z
    .array(z.record(z.string(), z.unknown()))
    .max(
      PIPELINE_LIMITS.gatesPerEdge,
      `at most ${PIPELINE_LIMITS.gatesPerEdge} gates`,
    )
    .default([]),
  pullRequest: z
    .strictObject({
      provider: z.string().min(1).optional(),
      labels: z.array(z.string().min(1)).default([]),
      draft: z.boolean().default(false),
      autoMerge: z
        .union([z.boolean(), z.enum(['merge', 'squash', 'rebase'])])
        .default(false),
    })
    .optional(),
});

type Promotion = z.infer<typeof promotionSchema>;

/**
 * The edges as the engine uses them (defaults filled in); their problems go
 * to `issues`, each under `at`.
 */
export function parseEdges(
  input: unknown,
  at: string,
  issues: string[],
  known: Pick<KnownTypes, 'gateTypes' | 'gateProblems'>,
): EdgeDefinition[] {
  if (input === undefined) return [];
  const schema = Array.isArray(input)
    ? z.array(promotionSchema).min(1)
    : promotionSchema;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, at));
    return [];
  }
  const edges = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  edges.forEach((edge, edgeIndex) => {
    const edgeAt = Array.isArray(parsed.data) ? `${at}[${edgeIndex}]` : at;
    issues.push(...edgeIssues(edge, edgeAt, known));
  });
  return edges.map(edge => ({
    from: edge.from,
    strategy: edge.strategy,
    auto: edge.auto,
    gates: edge.gates,
    ...(edge.strategy === 'pull-request'
      ? {
          pullRequest: {
            ...(edge.pullRequest?.provider
              ? { provider: edge.pullRequest.provider }
              : {}),
            labels: edge.pullRequest?.labels ?? [],
            draft: edge.pullRequest?.draft ?? false,
            autoMerge:
              edge.pullRequest?.autoMerge === true
                ? ('merge' as const)
                : edge.pullRequest?.autoMerge || false,
          },
        }
      : {}),
  }));
}

/** What is wrong with one edge of the right shape: its options and gates. */
function edgeIssues(
  edge: Promotion,
  at: string,
  known: Pick<KnownTypes, 'gateTypes' | 'gateProblems'>,
): string[] {
  const issues: string[] = [];
  if (edge.pullRequest && edge.strategy !== 'pull-request') {
    issues.push(
      `${at}.pullRequest: only applies to strategy: pull-request (the strategy is ${edge.strategy})`,
    );
  }
  if (
    edge.strategy !== 'pull-request' &&
    edge.gates.some(gate => Object.keys(gate).includes('checks'))
  ) {
    issues.push(
      `${at}.gates: the checks gate needs strategy: pull-request, since checks run on the pull request`,
    );
  }
  edge.gates.forEach((gate, gateIndex) => {
    const keys = Object.keys(gate);
    if (keys.length !== 1) {
      issues.push(
        `${at}.gates[${gateIndex}]: must name one gate, e.g. { soak: 30m }`,
      );
    } else if (!known.gateTypes.has(keys[0])) {
      issues.push(
        `${at}.gates[${gateIndex}]: unknown gate "${
          keys[0]
        }" (known: ${knownNames(known.gateTypes)})`,
      );
    } else {
      for (const problem of known.gateProblems(keys[0], gate[keys[0]]) ?? []) {
        issues.push(`${at}.gates[${gateIndex}].${keys[0]}: ${problem}`);
      }
    }
  });
  return issues;
}
