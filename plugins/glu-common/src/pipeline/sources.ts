/*
 * A phase's source: the options of the built-in sources (`git`, `oci`,
 * `helm`, `api`) and of the formats a `git` source reads its file through.
 * A module's source or format checks its own options in the backend.
 */
import semver from 'semver';
import { z } from 'zod';
import {
  FormatDefinition,
  GitSourceDefinition,
  SourceDefinition,
} from './types';
import { knownNames, zodIssues } from './issues';
import { intervalSchema } from './specSchema';
import { KnownTypes } from './validationOptions';
import {
  branchProblem,
  normalizeRepositoryPath,
  repositoryPathProblem,
  repositoryProblem,
} from './repositories';

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

/**
 * The source as the engine uses it (defaults filled in, the path in normal
 * form); its problems go to `issues`, each under `at`.
 */
export function validateSource(
  input: { type: string; [key: string]: unknown },
  at: string,
  known: Pick<KnownTypes, 'sourceTypes' | 'formatTypes'>,
  issues: string[],
): SourceDefinition {
  if (!known.sourceTypes.has(input.type)) {
    issues.push(
      `${at}.type: unknown source type "${input.type}" (known: ${knownNames(
        known.sourceTypes,
      )})`,
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
  if (!known.formatTypes.has(format.type)) {
    issues.push(
      `${at}.format: unknown format "${format.type}" (known: ${knownNames(
        known.formatTypes,
      )})`,
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
