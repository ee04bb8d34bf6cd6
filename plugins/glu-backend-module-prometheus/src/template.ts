import { GLU_GATE_MEASUREMENTS } from '@glu-dev/plugin-glu-node';
import { parseAllDocuments } from 'yaml';
import { Expression, conditionProblems, parseCondition } from './conditions';
import { effectiveCount, MeasuringPlan } from './measuring';
import {
  ProviderEnvironment,
  MetricProvider,
  prometheusProvider,
  webProvider,
} from './providers';
import { fillPlaceholders, parseGoDuration, PlaceholderValues } from './text';

/**
 * Argo Rollouts' AnalysisTemplate (and ClusterAnalysisTemplate), read
 * without Kubernetes: its args resolved, its metrics checked, and what Glu
 * does not evaluate refused by name.
 */

/** One metric of a template, ready to measure. */
export interface AnalysisMetric {
  name: string;
  plan: MeasuringPlan;
  successCondition?: Expression;
  failureCondition?: Expression;
  /** The conditions as the template says them, for people. */
  condition: string;
  provider: MetricProvider;
}

/** A template, resolved. */
export interface AnalysisTemplate {
  name: string;
  metrics: AnalysisMetric[];
}

const API_VERSION = 'argoproj.io/v1alpha1';
const KINDS = ['AnalysisTemplate', 'ClusterAnalysisTemplate'];

const METRIC_FIELDS = [
  'name',
  'interval',
  'initialDelay',
  'count',
  'successCondition',
  'failureCondition',
  'failureLimit',
  'inconclusiveLimit',
  'provider',
];

/** Fields of Argo's that Glu refuses, and why. */
const REFUSED_METRIC_FIELDS: Record<string, string> = {
  consecutiveErrorLimit:
    'consecutiveErrorLimit is not supported: Glu waits while a metric cannot be measured, and never turns errors into a failure',
  consecutiveSuccessLimit: 'consecutiveSuccessLimit is not supported',
};

const REFUSED_SPEC_FIELDS: Record<string, string> = {
  dryRun:
    'dryRun is not supported: every metric of the template decides the gate',
  measurementRetention:
    'measurementRetention is not supported: Glu keeps the last measurements of each metric itself',
  templates:
    'templates is not supported: Glu reads one template, without the cluster to find others in',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value);

/**
 * Whether a value is an inline template rather than a path: an object
 * (its own problems are told by `resolveTemplate`).
 */
export function isInlineTemplate(
  value: unknown,
): value is Record<string, unknown> {
  return isObject(value);
}

/**
 * The one AnalysisTemplate of a YAML file's text, or why there is none.
 * Aliases are bounded, so that a hostile file costs its size, not more.
 */
export function readTemplateFile(
  text: string,
  path: string,
): { template: Record<string, unknown> } | { problem: string } {
  let documents: unknown[];
  try {
    documents = parseAllDocuments(text)
      .filter(document => {
        if (document.errors.length > 0) throw document.errors[0];
        return true;
      })
      .map(document => document.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    return { problem: `${path} is not YAML: ${(error as Error).message}` };
  }
  const templates = documents.filter(
    document => isObject(document) && KINDS.includes(String(document.kind)),
  ) as Array<Record<string, unknown>>;
  if (templates.length === 1) return { template: templates[0] };
  if (templates.length === 0) {
    return { problem: `${path} holds no AnalysisTemplate` };
  }
  return {
    problem: `${path} holds ${templates.length} AnalysisTemplates: keep one per file`,
  };
}

/** A whole number from a number or a text of one (Argo's IntOrString). */
function wholeNumber(value: unknown): number | undefined {
  const number =
    typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
      ? Number(value)
      : value;
  return typeof number === 'number' && Number.isInteger(number)
    ? number
    : undefined;
}

/** The template's args with values: the gate's, else the template's own. */
function resolveArgs(
  spec: Record<string, unknown>,
  gateArgs: Record<string, unknown>,
  values: PlaceholderValues,
  problems: string[],
): { args: Map<string, string>; declared: Set<string> } {
  const args = new Map<string, string>();
  const declared = spec.args ?? [];
  if (!Array.isArray(declared)) {
    problems.push('spec.args must be a list of { name, value }');
    return { args, declared: new Set() };
  }
  for (const arg of declared) {
    if (!isObject(arg) || typeof arg.name !== 'string' || !arg.name) {
      problems.push('each of spec.args must have a name');
      continue;
    }
    for (const key of Object.keys(arg)) {
      if (key === 'valueFrom') {
        problems.push(
          `arg ${arg.name}: valueFrom is not supported: Glu reads no Kubernetes secrets or fields; give the value in the gate's args`,
        );
      } else if (key !== 'name' && key !== 'value') {
        problems.push(`arg ${arg.name}: "${key}" is not name or value`);
      }
    }
    const given = gateArgs[arg.name];
    if (given !== undefined) {
      try {
        args.set(arg.name, fillPlaceholders(String(given), values));
      } catch (error) {
        problems.push(`arg ${arg.name}: ${(error as Error).message}`);
      }
    } else if (arg.value !== undefined && arg.value !== null) {
      args.set(arg.name, String(arg.value));
    } else if (!('valueFrom' in arg)) {
      problems.push(
        `arg ${arg.name} has no value: give it in the gate's args, e.g. args: { ${arg.name}: … }`,
      );
    }
  }
  const names = declared
    .filter(isObject)
    .map(arg => String(arg.name))
    .filter(Boolean);
  for (const name of Object.keys(gateArgs)) {
    if (!names.includes(name)) {
      problems.push(
        `args.${name} is not an arg of the template (${
          names.length ? `its args: ${names.join(', ')}` : 'it has none'
        })`,
      );
    }
  }
  return { args, declared: new Set(names) };
}

/** Every text in a value with `{{args.name}}` filled in, as Argo does. */
function substitute(
  value: unknown,
  args: { args: Map<string, string>; declared: Set<string> },
  unresolved: Set<string>,
): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{([^}]*)\}\}/g, (whole, tag: string) => {
      const name = tag.trim().startsWith('args.') ? tag.trim().slice(5) : '';
      if (args.args.has(name)) return args.args.get(name)!;
      // A declared arg without a value is a problem of its own already.
      if (!args.declared.has(name)) unresolved.add(whole);
      return whole;
    });
  }
  if (Array.isArray(value)) {
    return value.map(item => substitute(item, args, unresolved));
  }
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substitute(item, args, unresolved),
      ]),
    );
  }
  return value;
}

/** One metric, checked; its problems are pushed, each naming it. */
function resolveMetric(
  metric: Record<string, unknown>,
  label: string,
  env: ProviderEnvironment,
  problems: string[],
): AnalysisMetric | undefined {
  const found: string[] = [];
  for (const key of Object.keys(metric)) {
    if (REFUSED_METRIC_FIELDS[key]) found.push(REFUSED_METRIC_FIELDS[key]);
    else if (!METRIC_FIELDS.includes(key)) {
      found.push(`"${key}" is not a field of a metric that Glu reads`);
    }
  }
  const duration = (field: string): number | undefined => {
    if (metric[field] === undefined || metric[field] === '') return undefined;
    const millis = parseGoDuration(metric[field]);
    if (millis === undefined || (field === 'interval' && millis <= 0)) {
      found.push(
        `${field} must be a duration like 30s or 5m, not ${JSON.stringify(
          metric[field],
        )}`,
      );
    }
    return millis;
  };
  const limit = (field: string): number => {
    if (metric[field] === undefined) return 0;
    const number = wholeNumber(metric[field]);
    if (number === -1 && field === 'failureLimit') {
      found.push(
        'failureLimit -1 (no limit) needs consecutiveSuccessLimit, which Glu does not support',
      );
    } else if (number === undefined || number < 0) {
      found.push(`${field} must be a whole number, 0 or more`);
    }
    return Math.max(number ?? 0, 0);
  };
  const intervalMillis = duration('interval');
  const initialDelayMillis = duration('initialDelay');
  const failureLimit = limit('failureLimit');
  const inconclusiveLimit = limit('inconclusiveLimit');
  let count: number | undefined;
  if (metric.count !== undefined) {
    count = wholeNumber(metric.count);
    if (count === undefined || count < 0) {
      found.push('count must be a whole number of measurements');
    } else if (count > GLU_GATE_MEASUREMENTS) {
      found.push(
        `count must be at most ${GLU_GATE_MEASUREMENTS}: Glu keeps that many measurements of a metric`,
      );
    } else if (count > 1 && !metric.interval) {
      found.push('interval must be given when count is more than 1');
    } else if (count > 0 && count < failureLimit) {
      found.push(`count (${count}) must be at least failureLimit`);
    } else if (count > 0 && count < inconclusiveLimit) {
      found.push(`count (${count}) must be at least inconclusiveLimit`);
    }
  }
  const conditions: Record<string, Expression | undefined> = {};
  for (const field of ['successCondition', 'failureCondition']) {
    const text = metric[field];
    if (text === undefined || text === '') continue;
    const problem = conditionProblems(field, text);
    found.push(...problem);
    const parsed = problem.length ? undefined : parseCondition(String(text));
    if (parsed && 'expression' in parsed) conditions[field] = parsed.expression;
  }
  let provider: MetricProvider | undefined;
  const providers = isObject(metric.provider)
    ? Object.keys(metric.provider)
    : [];
  if (providers.length !== 1) {
    found.push('provider must name one provider: prometheus or web');
  } else {
    const [kind] = providers;
    const options = (metric.provider as Record<string, unknown>)[kind];
    if (kind === 'prometheus') {
      provider = prometheusProvider(options, env, found);
    } else if (kind === 'web') {
      provider = webProvider(options, env, found);
    } else {
      found.push(
        `provider ${kind} is not supported: Glu evaluates prometheus and web metrics`,
      );
    }
  }
  problems.push(...found.map(problem => `metric ${label}: ${problem}`));
  if (found.length > 0 || !provider) return undefined;
  const success = metric.successCondition
    ? String(metric.successCondition)
    : '';
  const failure = metric.failureCondition
    ? String(metric.failureCondition)
    : '';
  return {
    name: String(metric.name),
    plan: {
      intervalMillis,
      initialDelayMillis,
      count: effectiveCount(count, intervalMillis),
      failureLimit,
      inconclusiveLimit,
    },
    successCondition: conditions.successCondition,
    failureCondition: conditions.failureCondition,
    condition:
      success && failure
        ? `${success}; fails when ${failure}`
        : success || (failure ? `fails when ${failure}` : 'any value'),
    provider,
  };
}

/**
 * A template ready to measure, with the gate's args (their placeholders
 * filled in with `values`), or everything that is wrong with it.
 */
export function resolveTemplate(
  template: unknown,
  gateArgs: Record<string, unknown>,
  values: PlaceholderValues,
  env: ProviderEnvironment,
): { template: AnalysisTemplate } | { problems: string[] } {
  if (!isObject(template)) {
    return { problems: ['the template must be an AnalysisTemplate object'] };
  }
  const problems: string[] = [];
  for (const key of Object.keys(template)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(key)) {
      problems.push(`"${key}" is not apiVersion, kind, metadata or spec`);
    }
  }
  if (template.apiVersion !== API_VERSION) {
    problems.push(`apiVersion must be ${API_VERSION}`);
  }
  if (!KINDS.includes(String(template.kind))) {
    problems.push('kind must be AnalysisTemplate or ClusterAnalysisTemplate');
  }
  const metadata = isObject(template.metadata) ? template.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : 'template';
  const spec = isObject(template.spec) ? template.spec : {};
  for (const key of Object.keys(spec)) {
    if (REFUSED_SPEC_FIELDS[key]) problems.push(REFUSED_SPEC_FIELDS[key]);
    else if (!['args', 'metrics'].includes(key)) {
      problems.push(
        `"${key}" is not a field of spec that Glu reads (args, metrics)`,
      );
    }
  }
  const args = resolveArgs(spec, gateArgs, values, problems);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    problems.push('spec.metrics must list the metrics to measure');
    return { problems };
  }
  const metrics: AnalysisMetric[] = [];
  const names = new Set<string>();
  spec.metrics.forEach((raw: unknown, index: number) => {
    const label =
      isObject(raw) && typeof raw.name === 'string' && raw.name
        ? raw.name
        : `#${index + 1}`;
    if (!isObject(raw) || typeof raw.name !== 'string' || !raw.name) {
      problems.push(`metric ${label} must have a name`);
      return;
    }
    if (names.has(raw.name)) {
      problems.push(`metric ${label} is listed twice`);
      return;
    }
    names.add(raw.name);
    const unresolved = new Set<string>();
    const resolved = substitute(raw, args, unresolved) as Record<
      string,
      unknown
    >;
    if (unresolved.size > 0) {
      problems.push(
        `metric ${label}: ${[...unresolved].join(
          ', ',
        )} cannot be resolved: only {{args.<name>}} of the template's args`,
      );
      return;
    }
    const metric = resolveMetric(resolved, label, env, problems);
    if (metric) metrics.push(metric);
  });
  return problems.length > 0 ? { problems } : { template: { name, metrics } };
}
