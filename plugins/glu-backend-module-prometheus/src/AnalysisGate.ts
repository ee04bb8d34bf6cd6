import { InputError } from '@backstage/errors';
import {
  GluGate,
  GluGateContext,
  GluGateResult,
} from '@glu-dev/plugin-glu-node';
import { decideAnalysis, runAnalysis } from './analysis';
import { ProviderEnvironment } from './providers';
import {
  isInlineTemplate,
  readTemplateFile,
  resolveTemplate,
} from './template';
import { placeholderValues, SAMPLE_VALUES } from './text';

const OPTIONS = ['template', 'args'];

/** How large a template file Glu reads. */
const TEMPLATE_BYTES = 256 * 1024;

/** A repository path: relative, without `..`. */
function pathProblem(path: string): string | undefined {
  if (!path.trim()) return 'template must not be empty';
  if (path.startsWith('/') || /^[a-z]+:\/\//i.test(path)) {
    return `template ${path} must be a path from the repository's root, like deploy/analysis.yaml`;
  }
  if (path.split('/').includes('..')) {
    return `template ${path} must not climb out of the repository (..)`;
  }
  return undefined;
}

/**
 * The `analysis` gate: an Argo Rollouts AnalysisTemplate, evaluated by Glu
 * itself without Kubernetes, about the version the upstream phase holds,
 * e.g. `{ analysis: { template: deploy/analysis.yaml, args: { service-name:
 * checkout } } }`. The template is a path in the upstream phase's
 * repository, read at the upstream's commit, or the template itself,
 * inline. Its `prometheus` metrics ask the configured servers (an address
 * must be one of theirs), its `web` metrics the addresses the platform
 * allows (`glu.gates.http.allow`). A Failed metric fails the gate; an
 * Inconclusive one holds the version for a person to decide; when every
 * metric is Successful the gate passes.
 */
export class AnalysisGate implements GluGate {
  /** The key in a promotion's `gates`: `{ analysis: { template: … } }`. */
  readonly type = 'analysis';
  /** Glu checks it in the background and decides on its last answer. */
  readonly observes = true;
  /** Its answer follows the running system, not Glu's store. */
  readonly cacheable = false;

  /** Templates read from files, by their text, parsed. */
  private readonly files = new Map<
    string,
    ReturnType<typeof readTemplateFile>
  >();

  constructor(private readonly env: ProviderEnvironment) {}

  /** Problems with a gate's options, each in words for people. */
  validate(config: unknown): string[] {
    const { problems, template, args } = this.parse(config);
    if (problems.length > 0 || !isInlineTemplate(template)) return problems;
    const resolved = resolveTemplate(template, args, SAMPLE_VALUES, this.env);
    return 'problems' in resolved ? resolved.problems : [];
  }

  /** The metrics that are due measured, and the answer from all of them. */
  async evaluate(
    config: unknown,
    context: GluGateContext,
  ): Promise<GluGateResult> {
    const { problems, template, args } = this.parse(config);
    if (problems.length > 0) {
      throw new InputError(
        `The analysis gate's options are not valid: ${problems.join('; ')}`,
      );
    }
    let raw: unknown = template;
    let label = 'the template';
    if (typeof template === 'string') {
      label = template;
      const read = await this.readFile(template, context);
      if ('reason' in read) {
        return {
          passed: false,
          reason: read.reason,
          metrics: context.previous?.metrics,
        };
      }
      raw = read.template;
    }
    const resolved = resolveTemplate(
      raw,
      args,
      placeholderValues(context),
      this.env,
    );
    if ('problems' in resolved) {
      return {
        passed: false,
        reason: `${label} cannot be evaluated: ${resolved.problems.join('; ')}`,
        metrics: context.previous?.metrics,
      };
    }
    const statuses = await runAnalysis(resolved.template, this.env, {
      now: context.now,
      since: context.from.since,
      previous: context.previous,
    });
    return decideAnalysis(
      resolved.template.name,
      statuses,
      context.now,
      context.previous?.passed ? new Date(context.previous.since) : undefined,
    );
  }

  private async readFile(
    path: string,
    context: GluGateContext,
  ): Promise<{ template: Record<string, unknown> } | { reason: string }> {
    const { phase } = context.from;
    if (!context.readFile) {
      return {
        reason: `the analysis gate reads ${path} from ${phase}'s Git repository, and ${phase} has none: give the template inline`,
      };
    }
    let text: string | undefined;
    try {
      text = await context.readFile(path);
    } catch (error) {
      return {
        reason: `${path} cannot be read from ${phase}'s repository: ${
          (error as Error).message
        }`,
      };
    }
    if (text === undefined) {
      const at = context.from.revision
        ? ` at ${context.from.revision.slice(0, 7)}`
        : '';
      return { reason: `${phase}'s repository has no ${path}${at}` };
    }
    if (Buffer.byteLength(text) > TEMPLATE_BYTES) {
      return {
        reason: `${path} is over ${
          TEMPLATE_BYTES / 1024
        } KB, more than an AnalysisTemplate needs`,
      };
    }
    let read = this.files.get(text);
    if (!read) {
      read = readTemplateFile(text, path);
      if (this.files.size >= 50) {
        this.files.delete(this.files.keys().next().value!);
      }
      this.files.set(text, read);
    }
    return 'problem' in read ? { reason: read.problem } : read;
  }

  private parse(config: unknown): {
    problems: string[];
    template?: unknown;
    args: Record<string, unknown>;
  } {
    if (!config || typeof config !== 'object' || Array.isArray(config)) {
      return {
        problems: [
          'must be an object of options, e.g. { template: deploy/analysis.yaml, args: { service-name: checkout } }',
        ],
        args: {},
      };
    }
    const raw = config as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(raw)) {
      if (!OPTIONS.includes(key)) {
        problems.push(
          `"${key}" is not template, args, soak, interval or rollback`,
        );
      }
    }
    const { template } = raw;
    if (typeof template === 'string') {
      const problem = pathProblem(template);
      if (problem) problems.push(problem);
    } else if (!isInlineTemplate(template)) {
      problems.push(
        "template must be the path of an AnalysisTemplate in the upstream phase's repository, or an AnalysisTemplate itself (apiVersion: argoproj.io/v1alpha1)",
      );
    }
    const args = raw.args ?? {};
    if (
      !args ||
      typeof args !== 'object' ||
      Array.isArray(args) ||
      Object.values(args).some(
        value => !['string', 'number', 'boolean'].includes(typeof value),
      )
    ) {
      problems.push(
        "args must map the template's arg names to values, e.g. { service-name: checkout, version: $version }",
      );
      return { problems, template, args: {} };
    }
    return { problems, template, args: args as Record<string, unknown> };
  }
}
