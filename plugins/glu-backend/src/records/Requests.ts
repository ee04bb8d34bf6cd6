import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  approvalPolicyOf,
  PipelineDefinition,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
import { approvalsConfigOf } from '../deciding/approvals';
import { requirePromotionEdge } from '../pipelines/edges';
import { requirePhase, requirePipeline } from '../pipelines/lookup';
import { GluStore } from '../store/GluStore';

/** How long a promotion request waits for its approvals, unless configured. */
export const REQUEST_DAYS = 7;

/** Who is told of a new request: the people who may approve it. */
export interface RequestNotices {
  requested(
    pipeline: PipelineDefinition,
    request: PromotionRequest,
    approvers: string[],
  ): Promise<void>;
}

/**
 * Promotion requests: someone who may not promote asks for the version the
 * upstream holds now to go into a phase whose edge has an approvals gate.
 * The request waits on the edge (one open request per edge: a new one
 * supersedes it) until the policy is met, and Glu carries it out in the
 * requester's name (`AutoPromoter`); it can be withdrawn, and expires.
 */
export class Requests {
  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'requests' | 'phases' | 'pipelines'>;
      notices?: RequestNotices;
      expireAfterMillis?: number;
      clock?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  async request(input: {
    pipelineRef: string;
    phase: string;
    from?: string;
    reason?: string;
    requestedBy: string;
  }): Promise<PromotionRequest> {
    const { store } = this.deps;
    const { pipeline, phase } = await requirePhase(
      store,
      input.pipelineRef,
      input.phase,
    );
    const edge = requirePromotionEdge(phase, input.from);
    const config = approvalsConfigOf(edge);
    if (config === undefined) {
      throw new InputError(
        `The promotion from ${edge.from} into ${phase.name} has no approvals gate: there is nothing to request; whoever may promote promotes it`,
      );
    }
    const [upstream, target] = await Promise.all([
      store.phases.getPhaseState(pipeline.ref, edge.from),
      store.phases.getPhaseState(pipeline.ref, phase.name),
    ]);
    const origin = upstream?.current;
    if (!origin) {
      throw new ConflictError(
        `The phase ${edge.from} has not been observed yet`,
      );
    }
    if (target?.current?.digest === origin.digest) {
      throw new ConflictError(
        `${phase.name} holds ${origin.version} already: there is nothing to request`,
      );
    }
    const now = this.now();
    const request = await store.requests.openRequest({
      pipelineRef: pipeline.ref,
      from: edge.from,
      to: phase.name,
      digest: origin.digest,
      version: origin.version,
      requestedBy: input.requestedBy,
      ...(input.reason?.trim() ? { reason: input.reason.trim() } : {}),
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() +
          (this.deps.expireAfterMillis ?? REQUEST_DAYS * 86_400_000),
      ).toISOString(),
    });
    // Those who may approve: the policy's groups, else the pipeline's owner.
    const policy = approvalPolicyOf(config);
    const approvers = policy.from.length
      ? policy.from.map(f => f.group)
      : [pipeline.owner];
    await this.deps.notices
      ?.requested(pipeline, request, approvers)
      .catch(() => undefined);
    return request;
  }

  /** A pipeline's requests, newest first; open ones past their time expire. */
  async list(
    pipelineRef: string,
    options: { status?: PromotionRequest['status']; limit: number },
  ): Promise<PromotionRequest[]> {
    const { store } = this.deps;
    await requirePipeline(store, pipelineRef);
    await this.expire(pipelineRef);
    return store.requests.listRequests(pipelineRef, options);
  }

  /** Ends the open requests of a pipeline whose time is up. */
  async expire(pipelineRef: string): Promise<void> {
    const now = this.now();
    for (const open of await this.deps.store.requests.openRequests([
      pipelineRef,
    ])) {
      if (Date.parse(open.expiresAt) <= now.getTime()) {
        await this.deps.store.requests.endRequest(
          open.id,
          { status: 'expired' },
          now,
        );
      }
    }
  }

  /** A request of a pipeline, or a 404. */
  async get(pipelineRef: string, id: string): Promise<PromotionRequest> {
    const found = await this.deps.store.requests.getRequest(id);
    if (!found || found.pipelineRef !== pipelineRef) {
      throw new NotFoundError(`${pipelineRef} has no promotion request ${id}`);
    }
    return found;
  }

  async withdraw(pipelineRef: string, id: string): Promise<void> {
    const found = await this.get(pipelineRef, id);
    if (
      found.status !== 'open' ||
      !(await this.deps.store.requests.endRequest(
        id,
        { status: 'withdrawn' },
        this.now(),
      ))
    ) {
      throw new ConflictError(
        `The promotion request ${id} is ${found.status}, not open`,
      );
    }
  }
}
