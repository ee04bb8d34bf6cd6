/*
 * The validation of a Pipeline entity, shared by the catalog processor, the
 * backend and the frontend: it reads the entity into the definition the
 * engine uses, or names every problem with its field. The checks of each
 * part of the definition live beside it: specSchema.ts, limits.ts,
 * sources.ts, repositories.ts, edges.ts and graph.ts.
 */
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { GLU_API_VERSION, PIPELINE_KIND } from '../constants';
import {
  NotificationSettings,
  PhaseDefinition,
  PipelineDefinition,
} from './types';
import { pipelineOwnerRef } from './owners';
import { refProblem } from './refs';
import { parseEdges } from './edges';
import { findCycle, topologicalOrder, upstreamIssues } from './graph';
import { zodIssues } from './issues';
import { limitIssues } from './limits';
import { validateSource } from './sources';
import { nameSchema, specSchema } from './specSchema';
import { knownTypes, PipelineValidationOptions } from './validationOptions';

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
  issues.push(...limitIssues(entity, spec));
  if (issues.length > 0) throw new PipelineValidationError(ref, issues);
  const known = knownTypes(options);

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

  let system: string | undefined;
  if (spec.system !== undefined) {
    const parsedRef = refProblem(spec.system, 'system', namespace);
    if (parsedRef.problem) issues.push(`spec.system: ${parsedRef.problem}`);
    else if (parsedRef.ref!.kind.toLocaleLowerCase('en-US') !== 'system') {
      issues.push(`spec.system: "${spec.system}" is not a system`);
    } else system = stringifyEntityRef(parsedRef.ref!);
  }

  const names = new Set<string>();
  const environments = new Map<string, string>();
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
    if (phase.environment !== undefined) {
      const environment = nameSchema.safeParse(phase.environment);
      if (!environment.success) {
        issues.push(...zodIssues(environment.error, `${at}.environment`));
      }
    }
    const environment = phase.environment ?? phase.name;
    const other = environments.get(environment);
    if (other !== undefined) {
      issues.push(
        `${at}.environment: phase "${other}" stands for environment "${environment}" already; give each phase an environment of its own`,
      );
    } else environments.set(environment, phase.name);
    const source = validateSource(phase.source, `${at}.source`, known, issues);
    const edges = parseEdges(phase.promotion, `${at}.promotion`, issues, known);
    if (
      edges.length > 0 &&
      known.sourceTypes.has(source.type) &&
      !known.writableSourceTypes.has(source.type)
    ) {
      issues.push(
        `${at}.promotion: Glu cannot write into a phase whose source is ${
          source.type
        }; only phases with a ${[...known.writableSourceTypes]
          .sort()
          .join(' or ')} source can be promoted into`,
      );
    }
    return {
      name: phase.name,
      ...(phase.title ? { title: phase.title } : {}),
      ...(phase.environment !== undefined && phase.environment !== phase.name
        ? { environment: phase.environment }
        : {}),
      source,
      edges,
    };
  });

  issues.push(...upstreamIssues(phases, spec));
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
    ...(entity.metadata.labels && Object.keys(entity.metadata.labels).length
      ? { labels: { ...entity.metadata.labels } }
      : {}),
    owner,
    ...(system ? { system } : {}),
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
