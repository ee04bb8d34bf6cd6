import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';
import { FleetPromotionRequest } from '@glu-dev/plugin-glu-common';
import { errorMessage, HiddenPipelineError } from '../errors';
import { promoteEach } from './fleetPromotions';
import {
  FreezeInput,
  GluService,
  principalRef,
  PromoteInput,
  PublishInput,
  QuarantineInput,
} from './GluService';

/** A write of Glu (or a dry run of one), as the auditor records it. */
export type AuditedWrite<T> = {
  eventId: string;
  meta: Record<string, string>;
  severityLevel?: 'low' | 'medium';
  work: (credentials: BackstageCredentials) => Promise<T>;
  /** What the event records of the result. */
  outcome?: (result: T) => JsonObject;
};

/** What an event says of a promotion that is asked for. */
function promotionMeta(ref: string, request: PromoteInput) {
  return {
    pipeline: ref,
    phase: request.phase,
    ...(request.from ? { from: request.from } : {}),
    ...(request.hotfix ? { hotfix: request.hotfix.reason } : {}),
  };
}
type RollbackRequest = { historyId: string; pin?: { reason: string } };

/**
 * Why a write was refused to its caller, if it was: the caller may not make
 * it, may not see the pipeline, or could not be identified.
 */
function refusalOf(error: unknown): string | undefined {
  if (error instanceof HiddenPipelineError) return error.refusal;
  if (NotAllowedError.is(error) || AuthenticationError.is(error)) {
    return errorMessage(error);
  }
  return undefined;
}

/**
 * Every write of Glu with its auditor event: what it is called, what the
 * event says of it and of its result. The HTTP API and the actions
 * registry both write through these, so that a write is audited the same
 * way wherever it comes from. A refused write (a dry run too) is also a
 * warning in the log: Backstage's auditor logs an event at the level of its
 * severity, and a dry run's (`low`) at debug, which the default level
 * leaves out.
 */
export class AuditedWrites {
  constructor(
    private readonly service: GluService,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  /** Says that a write was refused, who asked and why. */
  private logRefusal(
    write: Pick<AuditedWrite<unknown>, 'eventId' | 'meta'>,
    caller: string,
    refusal: string,
    meta: Record<string, string> = {},
  ) {
    this.logger.warn(`Refused ${write.eventId} to ${caller}: ${refusal}`, {
      eventId: write.eventId,
      caller,
      ...write.meta,
      ...meta,
    });
  }

  /** Runs a write with its event around it, refused ones included. */
  async run<T>(
    write: AuditedWrite<T>,
    credentials: BackstageCredentials,
    request?: Request,
  ): Promise<T> {
    const event = await this.auditor.createEvent({
      eventId: write.eventId,
      severityLevel: write.severityLevel ?? 'medium',
      meta: write.meta,
      ...(request ? { request } : {}),
    });
    try {
      const result = await write.work(credentials);
      await event.success(write.outcome ? { meta: write.outcome(result) } : {});
      return result;
    } catch (error) {
      await event.fail({
        error: error instanceof Error ? error : new Error(String(error)),
      });
      const refusal = refusalOf(error);
      if (refusal) this.logRefusal(write, principalRef(credentials), refusal);
      throw error;
    }
  }

  /**
   * Records a write refused before it started, because the caller could
   * not be identified: by what the request says of itself.
   */
  async refused<T>(write: AuditedWrite<T>, request: Request, error: unknown) {
    const caller = request.headers.authorization
      ? 'invalid credentials'
      : 'no credentials';
    const about = {
      request: `${request.method} ${request.originalUrl}`,
      ...(request.ip ? { ip: request.ip } : {}),
    };
    const event = await this.auditor.createEvent({
      eventId: write.eventId,
      severityLevel: 'high',
      meta: { ...write.meta, caller, ...about },
    });
    await event.fail({
      error: error instanceof Error ? error : new Error(String(error)),
    });
    this.logRefusal(
      write,
      `a caller with ${caller}`,
      errorMessage(error),
      about,
    );
  }

  refresh(ref: string) {
    return this.write('pipeline-refresh', { pipeline: ref }, credentials =>
      this.service.refreshPipeline(ref, { credentials }),
    );
  }

  dryRunPromotion(ref: string, request: PromoteInput) {
    return this.write(
      'promotion-dry-run',
      promotionMeta(ref, request),
      credentials =>
        this.service.dryRunPromotion(ref, request, { credentials }),
      undefined,
      'low',
    );
  }

  promote(ref: string, request: PromoteInput) {
    return this.write(
      'promotion',
      promotionMeta(ref, request),
      credentials => this.service.promote(ref, request, { credentials }),
      result => ({
        promotionId: result.id,
        status: result.status,
        ...(result.commitSha ? { commitSha: result.commitSha } : {}),
        ...(result.hotfix ? { throughFreezes: result.hotfix.freezes } : {}),
      }),
    );
  }

  /**
   * The promotions of a fleet promotion, each audited as the pipeline's
   * own promotion is (its event, its refusal), through the service's
   * `promote` (its permissions, its gates, what follows it).
   */
  promoteFleet(
    items: FleetPromotionRequest[],
    credentials: BackstageCredentials,
    request?: Request,
  ) {
    return promoteEach(items, (ref, asked) =>
      this.run(this.promote(ref, asked), credentials, request),
    );
  }

  dryRunRollback(ref: string, phase: string, request: RollbackRequest) {
    return this.write(
      'rollback-dry-run',
      { pipeline: ref, phase, historyId: request.historyId },
      credentials =>
        this.service.dryRunRollback(ref, phase, request, { credentials }),
      undefined,
      'low',
    );
  }

  rollback(ref: string, phase: string, request: RollbackRequest) {
    return this.write(
      'rollback',
      { pipeline: ref, phase, historyId: request.historyId },
      credentials =>
        this.service.rollback(ref, phase, request, { credentials }),
      result => ({ promotionId: result.id, status: result.status }),
    );
  }

  pin(ref: string, phase: string, reason: string) {
    return this.write('phase-pin', { pipeline: ref, phase }, credentials =>
      this.service.pin(ref, phase, reason, { credentials }),
    );
  }

  unpin(ref: string, phase: string) {
    return this.write('phase-unpin', { pipeline: ref, phase }, credentials =>
      this.service.unpin(ref, phase, { credentials }),
    );
  }

  approve(ref: string, phase: string, request: { from?: string }) {
    return this.write(
      'approval',
      { pipeline: ref, phase },
      credentials => this.service.approve(ref, phase, request, { credentials }),
      // The promotion it set off, when it met a request's policy.
      approval => ({
        version: approval.version,
        ...(approval.promotion
          ? {
              promotionId: approval.promotion.id,
              requestId: approval.promotion.requestId ?? '',
              approvedBy: approval.promotion.approvedBy ?? [],
            }
          : {}),
      }),
    );
  }

  publish(ref: string, phase: string, version: PublishInput) {
    return this.write(
      'version-publish',
      { pipeline: ref, phase },
      credentials => this.service.publish(ref, phase, version, { credentials }),
      published => ({
        changed: published.changed,
        version: published.state.version,
      }),
    );
  }

  setFreeze(request: FreezeInput) {
    return this.write(
      'freeze-set',
      {
        reason: request.reason,
        scope: JSON.stringify(request.scope ?? {}),
        ...(request.startsAt ? { startsAt: request.startsAt } : {}),
        ...(request.endsAt ? { endsAt: request.endsAt } : {}),
      },
      credentials => this.service.setFreeze(request, { credentials }),
      freeze => ({ freezeId: freeze.id }),
    );
  }

  liftFreeze(id: string) {
    return this.write('freeze-lift', { freezeId: id }, credentials =>
      this.service.liftFreeze(id, { credentials }),
    );
  }

  quarantine(request: QuarantineInput) {
    return this.write(
      'quarantine-set',
      {
        reason: request.reason,
        ...(request.pipeline ? { pipeline: request.pipeline } : {}),
        ...(request.version ? { version: request.version } : {}),
        ...(request.digest ? { digest: request.digest } : {}),
        rollback: String(request.rollback ?? false),
      },
      credentials => this.service.quarantine(request, { credentials }),
      quarantine => ({
        quarantineId: quarantine.id,
        holding: quarantine.holding.length,
        rolledBack: (quarantine.rollbacks ?? []).flatMap(r =>
          r.promotionId ? [r.promotionId] : [],
        ),
      }),
    );
  }

  liftQuarantine(id: string) {
    return this.write('quarantine-lift', { quarantineId: id }, credentials =>
      this.service.liftQuarantine(id, { credentials }),
    );
  }

  requestPromotion(
    ref: string,
    request: { phase: string; from?: string; reason?: string },
  ) {
    return this.write(
      'promotion-request',
      {
        pipeline: ref,
        phase: request.phase,
        ...(request.from ? { from: request.from } : {}),
      },
      credentials =>
        this.service.requestPromotion(ref, request, { credentials }),
      result => ({ requestId: result.id, version: result.version }),
    );
  }

  withdrawPromotionRequest(ref: string, id: string) {
    return this.write(
      'promotion-request-withdraw',
      { pipeline: ref, requestId: id },
      credentials =>
        this.service.withdrawPromotionRequest(ref, id, { credentials }),
    );
  }

  private write<T>(
    eventId: string,
    meta: Record<string, string>,
    work: (credentials: BackstageCredentials) => Promise<T>,
    outcome?: (result: T) => JsonObject,
    severityLevel?: 'low' | 'medium',
  ): AuditedWrite<T> {
    return { eventId, meta, work, outcome, severityLevel };
  }
}
