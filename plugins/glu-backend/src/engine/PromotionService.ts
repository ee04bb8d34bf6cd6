import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import {
  GitSourceDefinition,
  PhaseDefinition,
  PipelineDefinition,
  PromotionDefinition,
  PromotionDryRun,
} from '@glu-dev/plugin-glu-common';
import { GluFormat, GluGate } from '@glu-dev/plugin-glu-node';
import { createTwoFilesPatch } from 'diff';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { commitUrlOf } from '../sources/git/GitCredentials';
import { GitRepositories } from '../sources/git/GitRepositories';
import { DatabaseGluStore, newPromotionId } from '../store/DatabaseGluStore';
import { HistoryEntry, PromotionRecord } from '../store/types';
import { evaluateGates } from './gates';
import { Leases } from './Leases';
import { pinnedMessage } from './Pins';
import { PullRequests } from './PullRequests';
import { digestOf, project, resourceOf, versionRefOf } from './resources';

export interface PromoteRequest {
  pipelineRef: string;
  /** The phase to promote into. */
  phase: string;
  /** The upstream phase, needed only when the phase has several. */
  from?: string;
  /** A user or service ref. */
  triggeredBy: string;
  trigger: PromotionRecord['trigger'];
}

interface PromotionPlan {
  pipeline: PipelineDefinition;
  target: PhaseDefinition;
  source: GitSourceDefinition;
  edge: PromotionDefinition;
  format: GluFormat;
  upstream: HistoryEntry;
  /** The upstream fields that the target can hold. */
  fields: Record<string, string>;
  digest: string;
}

/** A promotion's record, before it starts. */
function newRecord(
  plan: PromotionPlan,
  request: PromoteRequest,
): PromotionRecord {
  return {
    id: newPromotionId(),
    pipelineRef: plan.pipeline.ref,
    from: plan.edge.from,
    to: plan.target.name,
    kind: 'promotion',
    strategy: plan.edge.strategy,
    status: 'pending',
    fromVersion: versionRefOf(plan.upstream),
    triggeredBy: request.triggeredBy,
    trigger: request.trigger,
    createdAt: new Date().toISOString(),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Moves the upstream phase's resource into a phase. Idempotent: when the
 * digests are equal there is nothing to do, and that is an answer, not an
 * error. Promotions into one phase run one at a time, across replicas.
 */
export class PromotionService {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      formats: ExtensionRegistry<GluFormat>;
      gates: ExtensionRegistry<GluGate>;
      repositories: GitRepositories;
      integrations: ScmIntegrations;
      leases: Leases;
      pullRequests: PullRequests;
      logger: LoggerService;
    },
  ) {}

  private async plan(request: {
    pipelineRef: string;
    phase: string;
    from?: string;
  }): Promise<PromotionPlan> {
    const { store, formats } = this.deps;
    const pipeline = await store.getPipeline(request.pipelineRef);
    if (!pipeline) {
      throw new NotFoundError(`No pipeline ${request.pipelineRef}`);
    }
    const target = pipeline.phases.find(p => p.name === request.phase);
    if (!target) {
      throw new NotFoundError(
        `The pipeline ${pipeline.ref} has no phase "${request.phase}"`,
      );
    }
    if (target.promotions.length === 0) {
      throw new InputError(
        `The phase ${target.name} has no promotion: nothing promotes into it`,
      );
    }
    let edge: PromotionDefinition | undefined;
    if (request.from) {
      edge = target.promotions.find(e => e.from === request.from);
      if (!edge) {
        throw new InputError(
          `The phase ${target.name} does not promote from "${request.from}"`,
        );
      }
    } else if (target.promotions.length === 1) {
      edge = target.promotions[0];
    } else {
      throw new InputError(
        `The phase ${target.name} promotes from ${target.promotions
          .map(e => e.from)
          .join(', ')}; say which one in "from"`,
      );
    }
    if (target.source.type !== 'git') {
      throw new InputError(
        `The phase ${target.name} reads from a ${target.source.type} source, which Glu cannot write to`,
      );
    }
    const source = target.source as GitSourceDefinition;
    if (edge.strategy === 'pull-request') {
      // A clear error now rather than after the branch is pushed.
      this.deps.pullRequests.providerFor(source, edge.pullRequest);
    }
    const format = formats.get(source.format.type);
    if (!format) {
      throw new InputError(
        `The format ${source.format.type} is not registered`,
      );
    }
    const pin = await store.getPin(pipeline.ref, target.name);
    if (pin) {
      throw new ConflictError(
        `The phase ${pinnedMessage(pin)}; unpin it to promote`,
      );
    }
    const upstreamState = await store.getPhaseState(pipeline.ref, edge.from);
    if (!upstreamState?.current) {
      throw new ConflictError(
        `The phase ${edge.from} has not been observed yet${
          upstreamState?.refreshError ? `: ${upstreamState.refreshError}` : ''
        }`,
      );
    }
    const failed = (
      await evaluateGates({
        gates: this.deps.gates,
        store,
        definitions: edge.gates,
        pipelineRef: pipeline.ref,
        from: { phase: edge.from, state: upstreamState.current },
        to: {
          phase: target.name,
          state: (
            await store.getPhaseState(pipeline.ref, target.name)
          )?.current,
        },
      })
    ).filter(g => !g.passed);
    if (failed.length > 0) {
      throw new ConflictError(
        `The promotion of ${edge.from} into ${target.name} is blocked: ${failed
          .map(g => `${g.type}: ${g.reason}`)
          .join('; ')}`,
      );
    }
    const fields = project(upstreamState.current.fields, format, source.format);
    return {
      pipeline,
      target,
      source,
      edge,
      format,
      upstream: upstreamState.current,
      fields,
      digest: digestOf(fields),
    };
  }

  /** What a promotion would do, from the store alone: no Git I/O. */
  async dryRun(request: {
    pipelineRef: string;
    phase: string;
    from?: string;
  }): Promise<PromotionDryRun> {
    const plan = await this.plan(request);
    const { store } = this.deps;
    const state = await store.getPhaseState(
      plan.pipeline.ref,
      plan.target.name,
    );
    const current = state?.current;
    const content = current?.blobHash
      ? await store.getBlob(current.blobHash)
      : undefined;
    if (!current || content === undefined) {
      throw new ConflictError(
        `The phase ${plan.target.name} has not been observed yet${
          state?.refreshError ? `: ${state.refreshError}` : ''
        }`,
      );
    }
    const base = {
      pipelineRef: plan.pipeline.ref,
      from: plan.edge.from,
      to: plan.target.name,
      fromVersion: {
        digest: plan.upstream.digest,
        version: plan.upstream.version,
      },
      before: { digest: current.digest, version: current.version },
      path: plan.source.path,
    };
    if (current.digest === plan.digest) {
      return {
        ...base,
        status: 'up-to-date',
        after: base.before,
        diff: '',
      };
    }
    const after = await plan.format.write({
      content,
      fields: plan.fields,
      config: plan.source.format,
    });
    const resource = resourceOf(plan.fields);
    return {
      ...base,
      status: 'promotable',
      after: { digest: resource.digest, version: resource.version },
      diff: createTwoFilesPatch(
        `a/${plan.source.path}`,
        `b/${plan.source.path}`,
        content,
        after,
        undefined,
        undefined,
        { context: 3 },
      ),
    };
  }

  /** Promotes, and answers with the promotion's record. */
  async promote(request: PromoteRequest): Promise<PromotionRecord> {
    const plan = await this.plan(request);
    const { store, leases } = this.deps;
    const lease = `phase:${plan.pipeline.ref}/${plan.target.name}`;
    if (plan.edge.strategy === 'pull-request') {
      return leases.withLease(lease, () => this.propose(plan, request));
    }
    const record = newRecord(plan, request);
    await store.createPromotion(record);
    return leases.withLease(lease, () => this.perform(plan, record));
  }

  /** Opens a pull request that promotes, unless the phase holds the version. */
  private async propose(
    plan: PromotionPlan,
    request: PromoteRequest,
  ): Promise<PromotionRecord> {
    const { store } = this.deps;
    const state = await store.getPhaseState(
      plan.pipeline.ref,
      plan.target.name,
    );
    const before = versionRefOf(state?.current);
    if (before?.digest === plan.digest) {
      const record: PromotionRecord = {
        ...newRecord(plan, request),
        status: 'up-to-date',
        before,
        after: before,
        finishedAt: new Date().toISOString(),
      };
      await store.createPromotion(record);
      return record;
    }
    return this.deps.pullRequests.propose({
      pipeline: plan.pipeline,
      phase: plan.target,
      source: plan.source,
      options: plan.edge.pullRequest,
      kind: 'promotion',
      from: plan.edge.from,
      proposed: versionRefOf(resourceOf(plan.fields))!,
      origin: plan.upstream,
      before,
      apply: content =>
        plan.format.write({
          content,
          fields: plan.fields,
          config: plan.source.format,
        }),
      triggeredBy: request.triggeredBy,
      trigger: request.trigger,
    });
  }

  private async perform(
    plan: PromotionPlan,
    record: PromotionRecord,
  ): Promise<PromotionRecord> {
    const { store, repositories, integrations, logger } = this.deps;
    // What the phase holds now: another promotion may have just written it.
    const state = await store.getPhaseState(
      plan.pipeline.ref,
      plan.target.name,
    );
    const before = versionRefOf(state?.current);
    if (before?.digest === plan.digest) {
      return store.updatePromotion(record.id, {
        status: 'up-to-date',
        before,
        after: before,
        finishedAt: new Date().toISOString(),
      });
    }
    await store.updatePromotion(record.id, { status: 'running', before });

    const resource = resourceOf(plan.fields);
    const name = plan.pipeline.title ?? plan.pipeline.name;
    try {
      const result = await repositories.write(
        plan.source.repository,
        plan.source.branch,
        {
          path: plan.source.path,
          apply: content =>
            plan.format.write({
              content,
              fields: plan.fields,
              config: plan.source.format,
            }),
          message: {
            subject: `glu: promote ${name} ${plan.target.name} to ${resource.version}`,
            body: [
              `Pipeline: ${plan.pipeline.ref}`,
              `From: ${plan.edge.from} at ${plan.upstream.version} (${plan.upstream.digest})`,
              `To: ${plan.target.name}${
                before ? `, was ${before.version} (${before.digest})` : ''
              }`,
              `File: ${plan.source.path}`,
              `Triggered-by: ${record.triggeredBy}`,
              `Promotion: ${record.id}`,
            ].join('\n'),
          },
        },
      );
      if (!result.changed) {
        // The file already holds the version: written outside Glu, or by a
        // promotion on another replica that this one has not refreshed yet.
        const fields = await plan.format.read({
          content: result.after,
          config: plan.source.format,
        });
        const held = resourceOf(fields);
        return store.updatePromotion(record.id, {
          status: 'up-to-date',
          after: { digest: held.digest, version: held.version },
          finishedAt: new Date().toISOString(),
        });
      }
      const fields = await plan.format.read({
        content: result.after,
        config: plan.source.format,
      });
      const written = resourceOf(fields);
      const commitUrl = commitUrlOf(
        integrations,
        plan.source.repository,
        result.sha,
      );
      await store.recordObservation({
        pipelineRef: plan.pipeline.ref,
        phase: plan.target.name,
        resource: written,
        content: result.after,
        cause: 'promotion',
        actor: record.triggeredBy,
        commitSha: result.sha,
        commitUrl,
        message: `Promoted from ${plan.edge.from}`,
        promotionId: record.id,
        observedAt: new Date(),
      });
      logger.info(
        `Promoted ${plan.pipeline.ref} ${plan.target.name} to ${written.version} in ${result.sha}`,
      );
      return store.updatePromotion(record.id, {
        status: 'succeeded',
        after: { digest: written.digest, version: written.version },
        commitSha: result.sha,
        commitUrl,
        finishedAt: new Date().toISOString(),
      });
    } catch (error) {
      const message = errorMessage(error);
      logger.warn(
        `Promotion ${record.id} of ${plan.pipeline.ref} ${plan.target.name} failed: ${message}`,
      );
      await store.updatePromotion(record.id, {
        status: 'failed',
        error: message,
        finishedAt: new Date().toISOString(),
      });
      throw error;
    }
  }
}
