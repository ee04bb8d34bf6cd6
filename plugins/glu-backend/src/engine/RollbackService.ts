import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { GitSourceDefinition } from '@glu-dev/plugin-glu-common';
import { GluFormat } from '@glu-dev/plugin-glu-node';
import { ExtensionRegistry } from '../ExtensionRegistry';
import { commitUrlOf } from '../sources/git/GitCredentials';
import { GitRepositories } from '../sources/git/GitRepositories';
import { DatabaseGluStore, newPromotionId } from '../store/DatabaseGluStore';
import { PromotionRecord } from '../store/types';
import { Leases } from './Leases';
import { pinnedMessage } from './Pins';
import { PullRequests } from './PullRequests';
import { resourceOf, versionRefOf } from './resources';

export interface RollbackRequest {
  pipelineRef: string;
  phase: string;
  /** The history entry to go back to. */
  historyId: string;
  /** Pin the phase there, with this reason. */
  pinReason?: string;
  triggeredBy: string;
}

/**
 * Puts a phase back in an earlier state of its history: the file content of
 * that state, exactly, committed through the phase's own strategy and
 * recorded as a rollback. Optionally pins the phase there.
 */
export class RollbackService {
  constructor(
    private readonly deps: {
      store: DatabaseGluStore;
      formats: ExtensionRegistry<GluFormat>;
      repositories: GitRepositories;
      integrations: ScmIntegrations;
      leases: Leases;
      pullRequests: PullRequests;
      logger: LoggerService;
    },
  ) {}

  async rollback(request: RollbackRequest): Promise<PromotionRecord> {
    const { store, leases } = this.deps;
    const pipeline = await store.getPipeline(request.pipelineRef);
    if (!pipeline)
      throw new NotFoundError(`No pipeline ${request.pipelineRef}`);
    const phase = pipeline.phases.find(p => p.name === request.phase);
    if (!phase) {
      throw new NotFoundError(
        `The pipeline ${pipeline.ref} has no phase "${request.phase}"`,
      );
    }
    if (phase.source.type !== 'git') {
      throw new InputError(
        `The phase ${phase.name} reads from a ${phase.source.type} source, which Glu cannot write to`,
      );
    }
    const entry = await store.getHistoryEntry(request.historyId);
    if (
      !entry ||
      entry.pipelineRef !== pipeline.ref ||
      entry.phase !== phase.name
    ) {
      throw new NotFoundError(
        `The phase ${phase.name} has no history entry ${request.historyId}`,
      );
    }
    const content = entry.blobHash
      ? await store.getBlob(entry.blobHash)
      : undefined;
    if (content === undefined) {
      throw new ConflictError(
        `The history entry ${entry.id} has no file content to go back to`,
      );
    }
    const pin = await store.getPin(pipeline.ref, phase.name);
    if (pin && request.pinReason === undefined) {
      throw new ConflictError(
        `The phase ${pinnedMessage(
          pin,
        )}; unpin it, or pin it again at the rollback`,
      );
    }
    const edge = phase.promotions[0];
    const source = phase.source as GitSourceDefinition;
    const lease = `phase:${pipeline.ref}/${phase.name}`;
    let result: PromotionRecord;
    if (edge?.strategy === 'pull-request') {
      result = await leases.withLease(lease, async () =>
        this.deps.pullRequests.propose({
          pipeline,
          phase,
          source,
          options: edge.pullRequest,
          kind: 'rollback',
          from: phase.name,
          proposed: versionRefOf(entry)!,
          origin: entry,
          before: versionRefOf(
            (
              await store.getPhaseState(pipeline.ref, phase.name)
            )?.current,
          ),
          // The file as it was, exactly: comments and all.
          apply: async () => content,
          triggeredBy: request.triggeredBy,
          trigger: 'manual',
        }),
      );
    } else {
      const record: PromotionRecord = {
        id: newPromotionId(),
        pipelineRef: pipeline.ref,
        from: phase.name,
        to: phase.name,
        kind: 'rollback',
        strategy: 'commit',
        status: 'pending',
        fromVersion: versionRefOf(entry),
        triggeredBy: request.triggeredBy,
        trigger: 'manual',
        createdAt: new Date().toISOString(),
      };
      await store.createPromotion(record);
      result = await leases.withLease(lease, () =>
        this.perform(record, source, content, entry.id),
      );
    }
    if (request.pinReason !== undefined && result.status !== 'failed') {
      // Pinned at the version it goes back to: by pull request, so that no
      // promotion replaces the proposal while it waits.
      await store.setPin(pipeline.ref, {
        phase: phase.name,
        digest: entry.digest,
        version: entry.version,
        pinnedBy: request.triggeredBy,
        reason: request.pinReason,
        pinnedAt: new Date().toISOString(),
      });
    }
    return result;
  }

  private async perform(
    record: PromotionRecord,
    source: GitSourceDefinition,
    content: string,
    historyId: string,
  ): Promise<PromotionRecord> {
    const { store, formats, repositories, integrations, logger } = this.deps;
    const before = versionRefOf(
      (await store.getPhaseState(record.pipelineRef, record.to))?.current,
    );
    await store.updatePromotion(record.id, { status: 'running', before });
    const format = formats.get(source.format.type);
    if (!format) {
      throw new InputError(
        `The format ${source.format.type} is not registered`,
      );
    }
    try {
      const result = await repositories.write(
        source.repository,
        source.branch,
        {
          path: source.path,
          // The file as it was, exactly: comments and all.
          apply: async () => content,
          message: {
            subject: `glu: roll back ${record.to} to ${
              record.fromVersion!.version
            }`,
            body: [
              `Pipeline: ${record.pipelineRef}`,
              `To: ${record.to} as of history entry ${historyId}, ${
                record.fromVersion!.version
              } (${record.fromVersion!.digest})`,
              `Was: ${
                before ? `${before.version} (${before.digest})` : 'unknown'
              }`,
              `File: ${source.path}`,
              `Triggered-by: ${record.triggeredBy}`,
              `Rollback: ${record.id}`,
            ].join('\n'),
          },
        },
      );
      const fields = await format.read({
        content: result.after,
        config: source.format,
      });
      const resource = resourceOf(fields);
      if (!result.changed) {
        return store.updatePromotion(record.id, {
          status: 'up-to-date',
          after: { digest: resource.digest, version: resource.version },
          finishedAt: new Date().toISOString(),
        });
      }
      const commitUrl = commitUrlOf(
        integrations,
        source.repository,
        result.sha,
      );
      await store.recordObservation({
        pipelineRef: record.pipelineRef,
        phase: record.to,
        resource,
        content: result.after,
        cause: 'rollback',
        actor: record.triggeredBy,
        commitSha: result.sha,
        commitUrl,
        message: `Rolled back to history entry ${historyId}`,
        promotionId: record.id,
        observedAt: new Date(),
      });
      return store.updatePromotion(record.id, {
        status: 'succeeded',
        after: { digest: resource.digest, version: resource.version },
        commitSha: result.sha,
        commitUrl,
        finishedAt: new Date().toISOString(),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(
        `Rollback ${record.id} of ${record.pipelineRef} ${record.to} failed: ${message}`,
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
