import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import semver from 'semver';
import { z } from 'zod';
import { GLU_API_VERSION, PIPELINE_KIND } from '../constants';
import {
  FormatDefinition,
  GitSourceDefinition,
  NOTIFICATION_KINDS,
  NotificationKind,
  NotificationSettings,
  PhaseDefinition,
  PipelineDefinition,
  EdgeDefinition,
  SourceDefinition,
} from './types';
import { builtInGateProblems } from './gates';
import { pipelineOwnerRef } from './owners';
import { refProblem } from './refs';

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

/**
 * The most a definition may hold: a pipeline is read in one page of the portal.
 *
 * @public
 */
export const PIPELINE_LIMITS = {
  phases: 100,
  components: 100,
  gatesPerEdge: 20,
  title: 200,
  description: 4000,
};

/**
 * A pipeline definition that cannot be used, with every problem found. An
 * InputError, so the HTTP API answers 400 and the catalog shows the message.
 *
 * @public
 */
export class PipelineValidationError extends InputError {
  readonly issues: string[];

  constructor(ref: string, issues: string[]) {
    super(`Invalid pipeline ${ref}: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

const nameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be lowercase letters, digits and dashes, at most 63 characters',
  );

/** How often a phase is looked at, e.g. `30s`, `5m`, `1h`. */
const intervalSchema = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration like 30s, 5m or 1h')
  .optional();

const formatSchema = z.union([
  z.string().min(1),
  z.looseObject({ type: z.string().min(1) }),
]);

const gitSourceSchema = z.strictObject({
  type: z.literal('git'),
  interval: intervalSchema,
  repository: z.string().min(1),
  branch: z.string().min(1).default('main'),
  path: z.string().min(1),
  format: formatSchema,
});

const semverRangeSchema = z
  .string()
  .refine(range => semver.validRange(range) !== null, {
    message: 'must be a semver range, e.g. ^1.2.0 or >=2 <3',
  });

const ociSourceSchema = z
  .strictObject({
    type: z.literal('oci'),
    repository: z.string().min(1),
    tag: z.string().min(1).optional(),
    semver: semverRangeSchema.optional(),
    prerelease: z.boolean().optional(),
    pattern: z
      .string()
      .refine(
        pattern => {
          try {
            return RegExp(pattern) instanceof RegExp;
          } catch {
            return false;
          }
        },
        { message: 'must be a regular expression' },
      )
      .optional(),
    interval: intervalSchema,
  })
  .refine(
    source =>
      [source.tag, source.semver, source.pattern].filter(v => v !== undefined)
        .length <= 1,
    { message: 'choose one of tag, semver and pattern' },
  );

const helmSourceSchema = z.strictObject({
  type: z.literal('helm'),
  repository: z
    .string()
    .regex(
      /^(https?|oci):\/\//,
      'must be an http(s):// or oci:// chart repository',
    ),
  chart: z.string().min(1),
  semver: semverRangeSchema.default('*'),
  prerelease: z.boolean().optional(),
  interval: intervalSchema,
});

const apiSourceSchema = z.strictObject({
  type: z.literal('api'),
});

const builtInSourceSchemas: Record<string, z.ZodType> = {
  oci: ociSourceSchema,
  helm: helmSourceSchema,
  api: apiSourceSchema,
};

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

const phaseSchema = z.strictObject({
  // The name's pattern is checked apart, so that other problems still show.
  name: z.string().min(1),
  title: z.string().optional(),
  source: z.looseObject({ type: z.string().min(1) }),
  // An edge, or a list of edges (fan-in); checked apart for precise messages.
  promotion: z.unknown().optional(),
});

const doraSchema = z.strictObject({
  production: z.array(z.string().min(1)).min(1).optional(),
  failureWindow: intervalSchema,
  fix: z
    .string()
    .min(1)
    .refine(
      pattern => {
        try {
          return Boolean(new RegExp(pattern, 'i'));
        } catch {
          return false;
        }
      },
      { message: 'must be a regular expression, e.g. ^(fix|hotfix)\\b' },
    )
    .optional(),
});

const notificationsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  off: z
    .array(
      z.enum(
        NOTIFICATION_KINDS as unknown as [
          NotificationKind,
          ...NotificationKind[],
        ],
      ),
    )
    .optional(),
  blockedAfter: intervalSchema,
  refreshFailingAfter: intervalSchema,
  pinnedAfter: intervalSchema,
});

const specSchema = z.strictObject({
  owner: z.string().min(1),
  components: z.array(z.string().min(1)).default([]),
  phases: z.array(phaseSchema).min(1),
  dora: doraSchema.optional(),
  notifications: notificationsSchema.optional(),
});

const builtInFormatOptions: Record<string, z.ZodType> = {
  kubernetes: z.strictObject({
    type: z.literal('kubernetes'),
    container: z.string().min(1).optional(),
    workload: z.string().min(1).optional(),
  }),
  kustomize: z.strictObject({
    type: z.literal('kustomize'),
    image: z.string().min(1).optional(),
  }),
  'helm-values': z.strictObject({
    type: z.literal('helm-values'),
    repositoryKey: z.string().min(1).default('image.repository'),
    tagKey: z.string().min(1).default('image.tag'),
    digestKey: z.string().min(1).optional(),
  }),
  'yaml-path': z.strictObject({
    type: z.literal('yaml-path'),
    key: z.string().min(1),
  }),
};

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    return out ? `${out}.${String(segment)}` : String(segment);
  }, '');
}

function zodIssues(error: z.ZodError, prefix: string): string[] {
  return error.issues.map(issue => {
    const path = formatPath([
      ...prefix.split('.').filter(Boolean),
      ...issue.path,
    ]);
    return `${path}: ${issue.message}`;
  });
}

/**
 * Why a path inside a repository is unusable, or undefined when it is fine.
 * A path must stay inside the repository: relative, no `..` that climbs out.
 *
 * @public
 */
export function repositoryPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL characters';
  if (path.includes('\\')) return 'must use forward slashes';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) {
    return `"${path}" is absolute; it must be relative to the repository root`;
  }
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) {
        return `"${path}" leaves the repository`;
      }
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  if (segments.length === 0) return `"${path}" does not name a file`;
  if (segments[0] === '.git') return `"${path}" is inside .git`;
  return undefined;
}

/**
 * The normal form of a path that passed `repositoryPathProblem`.
 *
 * @public
 */
export function normalizeRepositoryPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

function repositoryProblem(repository: string): string | undefined {
  // git would take it for an option.
  if (repository.startsWith('-')) {
    return `"${repository}" starts with "-"; it must be a repository URL`;
  }
  if (/[\s\0]/.test(repository)) {
    return `"${repository}" holds white space or control characters`;
  }
  if (/^[\w.][\w.-]*@[\w.][\w.-]*:[^/-].*$/.test(repository)) {
    return undefined; // scp-like: git@github.com:acme/gitops.git
  }
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    return `"${repository}" is not a repository URL`;
  }
  if (!['https:', 'http:', 'file:', 'ssh:', 'git:'].includes(url.protocol)) {
    return `"${repository}" uses an unsupported protocol ${url.protocol}`;
  }
  if (url.username || url.password) {
    return 'must not hold credentials; they come from the integrations config';
  }
  if (url.hostname.startsWith('-')) {
    return `"${repository}" names a host that starts with "-", which git would take for an option`;
  }
  if (url.protocol !== 'file:' && !url.hostname) {
    return `"${repository}" names no host`;
  }
  return undefined;
}

/**
 * Why a branch name is unusable, or undefined when it is fine: the rules of
 * `git check-ref-format`, and no leading "-" that git would take for an option.
 *
 * @public
 */
export function branchProblem(branch: string): string | undefined {
  const why = (reason: string) => `"${branch}" ${reason}`;
  if (branch.startsWith('-')) return why('starts with "-"');
  if (branch.includes('..')) return why('holds ".."');
  const forbidden = [...branch].some(
    char => char <= ' ' || char === '\u007f' || '~^:?*[\\'.includes(char),
  );
  if (forbidden) {
    return why('holds a space, a control character or one of ~ ^ : ? * [ \\');
  }
  if (branch.includes('@{') || branch === '@')
    return why('is not a branch name');
  if (
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.includes('//') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.split('/').some(part => part.startsWith('.'))
  ) {
    return why('is not a valid branch name (see git check-ref-format)');
  }
  if (branch.length > 255) return why('is longer than 255 characters');
  return undefined;
}

/** Finds a cycle among the promotion edges, as a list of phase names. */
function findCycle(phases: PhaseDefinition[]): string[] | undefined {
  const upstreams = new Map(
    phases.map(p => [p.name, p.edges.map(e => e.from)]),
  );
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') {
      return [...stack.slice(stack.indexOf(name)), name];
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const from of upstreams.get(name) ?? []) {
      const cycle = visit(from);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const phase of phases) {
    const cycle = visit(phase.name);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/** Orders phases so that every phase comes after its upstream phases. */
function topologicalOrder(phases: PhaseDefinition[]): PhaseDefinition[] {
  const byName = new Map(phases.map(p => [p.name, p]));
  const ordered: PhaseDefinition[] = [];
  const seen = new Set<string>();
  const visit = (phase: PhaseDefinition) => {
    if (seen.has(phase.name)) return;
    seen.add(phase.name);
    for (const edge of phase.edges) {
      const upstream = byName.get(edge.from);
      if (upstream) visit(upstream);
    }
    ordered.push(phase);
  };
  phases.forEach(visit);
  return ordered;
}

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

/**
 * Validates a Pipeline entity and returns the definition the engine uses.
 * Throws a PipelineValidationError that names every problem and its field.
 *
 * @public
 */
export function parsePipelineEntity(
  entity: Entity,
  options: PipelineValidationOptions = {},
): PipelineDefinition {
  const namespace = entity.metadata.namespace ?? 'default';
  const ref = stringifyEntityRef({
    kind: PIPELINE_KIND,
    namespace,
    name: entity.metadata.name,
  });
  const issues: string[] = [];
  if (entity.apiVersion !== GLU_API_VERSION) {
    issues.push(`apiVersion: must be ${GLU_API_VERSION}`);
  }
  if (entity.kind !== PIPELINE_KIND) {
    issues.push(`kind: must be ${PIPELINE_KIND}`);
  }
  const parsed = specSchema.safeParse(entity.spec ?? {});
  if (!parsed.success) {
    throw new PipelineValidationError(ref, [
      ...issues,
      ...zodIssues(parsed.error, 'spec'),
    ]);
  }
  const spec = parsed.data;
  const limit = (at: string, size: number, most: number, what: string) => {
    if (size > most) issues.push(`${at}: at most ${most} ${what}, not ${size}`);
  };
  limit('spec.phases', spec.phases.length, PIPELINE_LIMITS.phases, 'phases');
  limit(
    'spec.components',
    spec.components.length,
    PIPELINE_LIMITS.components,
    'components',
  );
  for (const field of ['title', 'description'] as const) {
    const text = entity.metadata[field];
    if (typeof text === 'string') {
      limit(
        `metadata.${field}`,
        text.length,
        PIPELINE_LIMITS[field],
        'characters',
      );
    }
  }
  spec.phases.forEach((phase, index) => {
    if (phase.title) {
      limit(
        `spec.phases[${index}].title`,
        phase.title.length,
        PIPELINE_LIMITS.title,
        'characters',
      );
    }
  });
  if (issues.length > 0) throw new PipelineValidationError(ref, issues);
  const sourceTypes = new Set(options.sourceTypes ?? BUILT_IN_SOURCE_TYPES);
  const formatTypes = new Set(options.formatTypes ?? BUILT_IN_FORMAT_TYPES);
  const gateTypes = new Set(options.gateTypes ?? BUILT_IN_GATE_TYPES);
  const writableSourceTypes = new Set(
    options.writableSourceTypes ?? BUILT_IN_WRITABLE_SOURCE_TYPES,
  );
  const gateProblems = options.gateProblems ?? builtInGateProblems;

  let owner = spec.owner;
  try {
    owner = pipelineOwnerRef(spec.owner, namespace);
  } catch (error) {
    issues.push(`spec.owner: ${(error as Error).message}`);
  }
  const components = spec.components.map((component, index) => {
    const parsedRef = refProblem(component, 'component', namespace);
    if (parsedRef.problem) {
      issues.push(`spec.components[${index}]: ${parsedRef.problem}`);
    }
    return parsedRef.ref ? stringifyEntityRef(parsedRef.ref) : component;
  });

  const names = new Set<string>();
  const phases: PhaseDefinition[] = spec.phases.map((phase, index) => {
    const at = `spec.phases[${index}]`;
    const name = nameSchema.safeParse(phase.name);
    if (!name.success) {
      issues.push(...zodIssues(name.error, `${at}.name`));
    }
    if (names.has(phase.name)) {
      issues.push(`${at}.name: there is another phase named "${phase.name}"`);
    }
    names.add(phase.name);
    const source = validateSource(phase.source, `${at}.source`, {
      sourceTypes,
      formatTypes,
      issues,
    });
    const edges = parseEdges(phase.promotion, `${at}.promotion`, issues, {
      gateTypes,
      gateProblems,
    });
    if (
      edges.length > 0 &&
      sourceTypes.has(source.type) &&
      !writableSourceTypes.has(source.type)
    ) {
      issues.push(
        `${at}.promotion: Glu cannot write into a phase whose source is ${
          source.type
        }; only phases with a ${[...writableSourceTypes]
          .sort()
          .join(' or ')} source can be promoted into`,
      );
    }
    return {
      name: phase.name,
      ...(phase.title ? { title: phase.title } : {}),
      source,
      edges,
    };
  });

  phases.forEach((phase, index) => {
    const froms = new Set<string>();
    phase.edges.forEach((edge, edgeIndex) => {
      const at = Array.isArray(spec.phases[index].promotion)
        ? `spec.phases[${index}].promotion[${edgeIndex}].from`
        : `spec.phases[${index}].promotion.from`;
      if (!names.has(edge.from)) {
        issues.push(`${at}: there is no phase named "${edge.from}"`);
      } else if (edge.from === phase.name) {
        issues.push(`${at}: a phase cannot promote from itself`);
      } else if (froms.has(edge.from)) {
        issues.push(`${at}: "${edge.from}" is listed twice`);
      }
      froms.add(edge.from);
    });
  });
  (spec.dora?.production ?? []).forEach((name, index) => {
    if (!names.has(name)) {
      issues.push(
        `spec.dora.production[${index}]: there is no phase named "${name}"`,
      );
    }
  });
  if (issues.length === 0) {
    const cycle = findCycle(phases);
    if (cycle) {
      issues.push(
        `spec.phases: the promotions form a cycle: ${cycle.join(' -> ')}`,
      );
    }
  }
  if (issues.length > 0) {
    throw new PipelineValidationError(ref, issues);
  }
  return {
    ref,
    name: entity.metadata.name,
    namespace,
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    owner,
    components,
    phases: topologicalOrder(phases),
    ...(spec.dora
      ? {
          dora: {
            ...(spec.dora.production
              ? { production: spec.dora.production }
              : {}),
            ...(spec.dora.failureWindow
              ? { failureWindow: spec.dora.failureWindow }
              : {}),
            ...(spec.dora.fix ? { fix: spec.dora.fix } : {}),
          },
        }
      : {}),
    ...(spec.notifications
      ? {
          notifications: Object.fromEntries(
            Object.entries(spec.notifications).filter(
              ([, value]) => value !== undefined,
            ),
          ) as NotificationSettings,
        }
      : {}),
  };
}

function parseEdges(
  input: unknown,
  at: string,
  issues: string[],
  gates: {
    gateTypes?: Set<string>;
    gateProblems: NonNullable<PipelineValidationOptions['gateProblems']>;
  },
): EdgeDefinition[] {
  const { gateTypes } = gates;
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
    if (edge.pullRequest && edge.strategy !== 'pull-request') {
      issues.push(
        `${edgeAt}.pullRequest: only applies to strategy: pull-request (the strategy is ${edge.strategy})`,
      );
    }
    if (
      edge.strategy !== 'pull-request' &&
      edge.gates.some(gate => Object.keys(gate).includes('checks'))
    ) {
      issues.push(
        `${edgeAt}.gates: the checks gate needs strategy: pull-request, since checks run on the pull request`,
      );
    }
    edge.gates.forEach((gate, gateIndex) => {
      const keys = Object.keys(gate);
      if (keys.length !== 1) {
        issues.push(
          `${edgeAt}.gates[${gateIndex}]: must name one gate, e.g. { soak: 30m }`,
        );
      } else if (gateTypes && !gateTypes.has(keys[0])) {
        issues.push(
          `${edgeAt}.gates[${gateIndex}]: unknown gate "${keys[0]}" (known: ${[
            ...gateTypes,
          ]
            .sort()
            .join(', ')})`,
        );
      } else {
        for (const problem of gates.gateProblems(keys[0], gate[keys[0]]) ??
          []) {
          issues.push(`${edgeAt}.gates[${gateIndex}].${keys[0]}: ${problem}`);
        }
      }
    });
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

function validateSource(
  input: { type: string; [key: string]: unknown },
  at: string,
  context: {
    sourceTypes: Set<string>;
    formatTypes: Set<string>;
    issues: string[];
  },
): SourceDefinition {
  const { issues } = context;
  if (!context.sourceTypes.has(input.type)) {
    issues.push(
      `${at}.type: unknown source type "${input.type}" (known: ${[
        ...context.sourceTypes,
      ]
        .sort()
        .join(', ')})`,
    );
    return input;
  }
  if (input.type !== 'git') {
    const schema = builtInSourceSchemas[input.type];
    if (!schema) return input; // a module's source checks its own options
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, at));
      return input;
    }
    return parsed.data as SourceDefinition;
  }
  const parsed = gitSourceSchema.safeParse(input);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, at));
    return input;
  }
  const git = parsed.data;
  const repoProblem = repositoryProblem(git.repository);
  if (repoProblem) issues.push(`${at}.repository: ${repoProblem}`);
  const branchIssue = branchProblem(git.branch);
  if (branchIssue) issues.push(`${at}.branch: ${branchIssue}`);
  const pathProblem = repositoryPathProblem(git.path);
  if (pathProblem) issues.push(`${at}.path: ${pathProblem}`);
  const format: FormatDefinition =
    typeof git.format === 'string' ? { type: git.format } : git.format;
  let validFormat = format;
  if (!context.formatTypes.has(format.type)) {
    issues.push(
      `${at}.format: unknown format "${format.type}" (known: ${[
        ...context.formatTypes,
      ]
        .sort()
        .join(', ')})`,
    );
  } else if (builtInFormatOptions[format.type]) {
    const options = builtInFormatOptions[format.type].safeParse(format);
    if (options.success) {
      validFormat = options.data as FormatDefinition;
    } else {
      issues.push(...zodIssues(options.error, `${at}.format`));
    }
  }
  const source: GitSourceDefinition = {
    ...git,
    type: 'git',
    path: pathProblem ? git.path : normalizeRepositoryPath(git.path),
    format: validFormat,
  };
  return source;
}
