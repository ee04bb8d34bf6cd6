import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  intervalMillis,
  NotificationKind,
  NotificationSettings,
  PipelineDefinition,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
import { errorMessage, withinDeadline } from '../errors';
import { GluStore } from '../store/GluStore';
import { PromotionRecord } from '../store/types';
import { EdgeDecisions } from '../deciding/EdgeDecisions';
import { humanizeMillis } from '../deciding/gates';
import { pipelinePath } from '../writing/proposals';

/** What the owners of a pipeline are told, once. */
export interface GluNotice {
  kind: NotificationKind;
  /** What it is about (a promotion's id, a pin and when it was set): with the kind, it is sent once. */
  about: string;
  title: string;
  description: string;
  severity: 'critical' | 'high' | 'normal' | 'low';
  /** The phase it is about, for the link. */
  phase?: string;
  /** Others to tell besides the owner (user and group refs). */
  also?: string[];
  /** Whom to tell instead of the owner (user and group refs). */
  to?: string[];
}

/** Whom a notice goes to: those it names, else the owner and any others. */
function recipientsOf(
  pipeline: PipelineDefinition,
  notice: GluNotice,
): string | string[] {
  if (notice.to?.length) return [...new Set(notice.to)];
  if (notice.also?.length) {
    return [...new Set([pipeline.owner, ...notice.also])];
  }
  return pipeline.owner;
}

/** The settings every pipeline has unless it says otherwise. */
type Thresholds = Required<
  Pick<
    NotificationSettings,
    'blockedAfter' | 'refreshFailingAfter' | 'pinnedAfter'
  >
>;

const DEFAULT_THRESHOLDS: Thresholds = {
  blockedAfter: '1d',
  refreshFailingAfter: '1h',
  pinnedAfter: '7d',
};

/** App-config `glu.notifications`: the defaults of every pipeline. */
export function readNotificationDefaults(
  config: Config,
): NotificationSettings & Thresholds {
  const at = (key: keyof Thresholds) =>
    config.getOptionalString(`glu.notifications.${key}`) ??
    DEFAULT_THRESHOLDS[key];
  return {
    enabled: config.getOptionalBoolean('glu.notifications.enabled') ?? true,
    blockedAfter: at('blockedAfter'),
    refreshFailingAfter: at('refreshFailingAfter'),
    pinnedAfter: at('pinnedAfter'),
  };
}

/**
 * Tells a pipeline's owners what needs them, through Backstage's
 * notifications (sent to the owner entity, which the notifications backend
 * expands to its members): a promotion or rollback that failed, an
 * automatic rollback, a pull request that waits for approvals or checks, an
 * edge blocked for long, a phase failing to refresh for long, a pin held
 * for long. Each event is sent once, whichever replica sees it first; a
 * pipeline can turn kinds off and set the thresholds (`spec.notifications`).
 */
export class Notifier {
  /** The notices that could not be sent, already said so. */
  private readonly unsent = new Set<string>();

  constructor(
    private readonly deps: {
      store: Pick<GluStore, 'notifications' | 'pipelines' | 'promotions'>;
      /** Absent when the backend has no notifications. */
      notifications?: NotificationService;
      logger: LoggerService;
      defaults: NotificationSettings & Thresholds;
      /** How long sending one notice may take before it is given up. */
      timeoutMillis: number;
    },
  ) {}

  /** A pipeline's settings: its own over the app's. */
  settingsOf(pipeline: PipelineDefinition): NotificationSettings & Thresholds {
    return { ...this.deps.defaults, ...pipeline.notifications };
  }

  /** Whether the pipeline's owners want this kind. */
  wants(pipeline: PipelineDefinition, kind: NotificationKind): boolean {
    const settings = this.settingsOf(pipeline);
    return settings.enabled !== false && !settings.off?.includes(kind);
  }

  /** How long before a lasting condition is notified, in milliseconds. */
  thresholdMillis(pipeline: PipelineDefinition, key: keyof Thresholds): number {
    const settings = this.settingsOf(pipeline);
    return (
      intervalMillis(settings[key]) ?? intervalMillis(DEFAULT_THRESHOLDS[key])!
    );
  }

  /** Sends a notice to the pipeline's owner, once; answers whether it did now. */
  async notify(
    pipeline: PipelineDefinition,
    notice: GluNotice,
  ): Promise<boolean> {
    const { store, notifications, logger } = this.deps;
    if (!notifications || !this.wants(pipeline, notice.kind)) return false;
    const key = `${notice.kind}:${notice.about}`;
    if (
      !(await store.notifications.claimNotification(
        pipeline.ref,
        key,
        notice.kind,
      ))
    ) {
      return false;
    }
    try {
      const sent = notifications.send({
        recipients: {
          type: 'entity',
          entityRef: recipientsOf(pipeline, notice),
        },
        payload: {
          title: notice.title,
          description: notice.description,
          link: `${pipelinePath(pipeline)}${
            notice.phase ? `#phase-${encodeURIComponent(notice.phase)}` : ''
          }`,
          severity: notice.severity,
          topic: pipeline.ref,
          // Sent again, it replaces itself rather than adding another.
          scope: `glu:${pipeline.ref}:${key}`,
        },
      });
      await withinDeadline(sent, this.deps.timeoutMillis);
      return true;
    } catch (error) {
      // Not lost: given up, so that the next look sends it.
      await store.notifications
        .releaseNotification(pipeline.ref, key)
        .catch(() => {});
      const message = `Could not notify the owners of ${pipeline.ref} (${
        notice.kind
      }): ${errorMessage(error)}`;
      // Said once, not at every look (a backend without notifications).
      if (this.unsent.has(key)) logger.debug(message);
      else logger.warn(message);
      this.unsent.add(key);
      return false;
    }
  }

  /** A promotion or rollback that ended failed. */
  async promotionFailed(record: PromotionRecord): Promise<void> {
    const pipeline = await this.deps.store.pipelines.getPipeline(
      record.pipelineRef,
    );
    if (!pipeline) return;
    const what =
      record.kind === 'rollback'
        ? `The rollback of ${record.to}`
        : `The promotion of ${
            record.fromVersion?.version ?? 'a version'
          } from ${record.from} into ${record.to}`;
    await this.notify(pipeline, {
      kind: 'promotion-failed',
      about: record.id,
      title: `${what} failed in ${pipeline.title ?? pipeline.name}`,
      description: `${what} (${record.trigger}, by ${
        record.triggeredBy
      }) failed: ${record.error ?? 'no reason given'}`,
      severity: 'high',
      phase: record.to,
    });
  }

  /**
   * A promotion that went through freezes: its pipeline's owners and the
   * people who set the freezes are told who, what and why.
   */
  async hotfixed(
    record: PromotionRecord,
    freezes: Array<{ id: string; setBy: string; reason: string }>,
  ): Promise<void> {
    const pipeline = await this.deps.store.pipelines.getPipeline(
      record.pipelineRef,
    );
    if (!pipeline || !record.hotfix) return;
    const version =
      record.after?.version ?? record.fromVersion?.version ?? 'a version';
    const through = freezes
      .map(f => `freeze ${f.id} (${f.reason}, set by ${f.setBy})`)
      .join('; ');
    await this.notify(pipeline, {
      kind: 'hotfix',
      about: record.id,
      title: `A hotfix of ${version} went through the freeze into ${
        record.to
      } of ${pipeline.title ?? pipeline.name}`,
      description: `${record.triggeredBy} promoted ${version} from ${
        record.from
      } into ${record.to} through ${through || 'a freeze'}: ${
        record.hotfix.reason
      }`,
      severity: 'high',
      phase: record.to,
      // People and groups only: a service that set a freeze has no inbox.
      also: freezes
        .map(f => f.setBy)
        .filter(ref => /^(user|group):/i.test(ref)),
    });
  }

  /** A promotion request, told to those who may approve it. */
  async requested(
    pipeline: PipelineDefinition,
    request: PromotionRequest,
    approvers: string[],
  ): Promise<void> {
    await this.notify(pipeline, {
      kind: 'approval-requested',
      about: request.id,
      title: `${request.requestedBy} asks to promote ${request.version} into ${
        request.to
      } of ${pipeline.title ?? pipeline.name}`,
      description: `${request.requestedBy} asks for ${
        request.version
      } to go from ${request.from} into ${request.to}${
        request.reason ? `: ${request.reason}` : ''
      }. Approve it on the pipeline's Glu tab; Glu promotes it once the approval policy is met.`,
      severity: 'normal',
      phase: request.to,
      to: approvers,
    });
  }

  /** A phase that a health gate rolled back, pinned. */
  async rolledBack(
    pipeline: PipelineDefinition,
    record: PromotionRecord,
    reason: string,
  ): Promise<void> {
    await this.notify(pipeline, {
      kind: 'rolled-back',
      about: record.id,
      title: `${record.to} of ${
        pipeline.title ?? pipeline.name
      } was rolled back to ${record.after?.version ?? 'its earlier version'}`,
      description: `Glu rolled ${record.to} back from ${
        record.before?.version ?? 'its version'
      } and pinned it there: ${reason}. Unpin it once the cause is fixed.`,
      severity: 'critical',
      phase: record.to,
    });
  }

  /**
   * Looks for what has lasted too long or waits for people: pull requests
   * waiting for approvals or checks, blocked edges, failing refreshes,
   * long pins. Answers how many notices it sent.
   */
  async scan(decisions: EdgeDecisions, now = Date.now()): Promise<number> {
    const { store } = this.deps;
    const pipelines = (await store.pipelines.listPipelineDefinitions()).filter(
      p =>
        this.wants(p, 'edge-blocked') ||
        this.wants(p, 'refresh-failing') ||
        this.wants(p, 'pin-held') ||
        this.wants(p, 'pull-request-waiting'),
    );
    if (pipelines.length === 0 || !this.deps.notifications) return 0;
    const open = await store.promotions.listOpenPullRequests();
    let sent = 0;
    const snapshots = await decisions.snapshots(pipelines);
    for (const snapshot of snapshots) {
      const { pipeline } = snapshot;
      const name = pipeline.title ?? pipeline.name;
      for (const state of snapshot.states.values()) {
        const since = state.refreshFailingSince;
        if (
          since &&
          now - Date.parse(since) >=
            this.thresholdMillis(pipeline, 'refreshFailingAfter') &&
          (await this.notify(pipeline, {
            kind: 'refresh-failing',
            about: `${state.phase}@${since}`,
            title: `${
              state.phase
            } of ${name} has not refreshed for ${humanizeMillis(
              now - Date.parse(since),
            )}`,
            description: `Glu cannot read ${state.phase}: ${state.refreshError}`,
            severity: 'high',
            phase: state.phase,
          }))
        ) {
          sent += 1;
        }
      }
      for (const pin of snapshot.pins.values()) {
        const held = now - Date.parse(pin.pinnedAt);
        if (
          held >= this.thresholdMillis(pipeline, 'pinnedAfter') &&
          (await this.notify(pipeline, {
            kind: 'pin-held',
            about: `${pin.phase}@${pin.pinnedAt}`,
            title: `${pin.phase} of ${name} has been pinned at ${
              pin.version
            } for ${humanizeMillis(held)}`,
            description: `Pinned by ${pin.pinnedBy}: ${pin.reason}. Automatic promotion leaves it alone until it is unpinned.`,
            severity: 'low',
            phase: pin.phase,
          }))
        ) {
          sent += 1;
        }
      }
      const blockedAfter = this.thresholdMillis(pipeline, 'blockedAfter');
      const waiting = open.filter(
        r => r.pipelineRef === pipeline.ref && r.status === 'open',
      );
      for (const to of pipeline.phases) {
        for (const edge of to.edges) {
          const upstream = snapshot.states.get(edge.from);
          const proposal = waiting.find(
            r => r.to === to.name && r.from === edge.from,
          );
          const waited = upstream?.heldSince
            ? now - Date.parse(upstream.heldSince)
            : 0;
          if (!proposal && waited < blockedAfter) continue;
          const { decision } = await decisions.decideEdge(snapshot, to, edge);
          const failing = decision.gates.filter(g => !g.passed);
          if (proposal?.pullRequest && failing.length > 0) {
            if (
              await this.notify(pipeline, {
                kind: 'pull-request-waiting',
                about: proposal.id,
                title: `Pull request #${proposal.pullRequest.number} into ${to.name} of ${name} waits`,
                description: `${proposal.pullRequest.url} waits for ${failing
                  .map(g => `${g.type}: ${g.reason}`)
                  .join('; ')}`,
                severity: 'normal',
                phase: to.name,
              })
            ) {
              sent += 1;
            }
          }
          if (
            decision.status === 'blocked' &&
            upstream?.current &&
            waited >= blockedAfter &&
            (await this.notify(pipeline, {
              kind: 'edge-blocked',
              about: `${edge.from}>${to.name}@${upstream.current.digest}`,
              title: `${upstream.current.version} has waited ${humanizeMillis(
                waited,
              )} to go from ${edge.from} into ${to.name} of ${name}`,
              description: `The promotion is blocked: ${decision.reasons.join(
                '; ',
              )}`,
              severity: 'normal',
              phase: to.name,
            }))
          ) {
            sent += 1;
          }
        }
      }
    }
    return sent;
  }
}
