/*
 * A dry run: what a planned write would do, from the store alone (no Git
 * I/O): the decision, and the diff it would write.
 */
import { PromotionDryRun } from '@glu-dev/plugin-glu-common';
import { DocumentThreads } from '../documents/DocumentThreads';
import { invalidOf } from '../deciding/EdgeDecisions';
import { versionRefOf } from '../pipelines/resources';
import { GluStore } from '../store/GluStore';
import { WritePlan } from './plan';

/** What the planned write would do. */
export async function dryRunOf(
  plan: WritePlan,
  deps: {
    store: Pick<GluStore, 'phases'>;
    documents: DocumentThreads;
  },
): Promise<PromotionDryRun> {
  const { store } = deps;
  const { decision } = plan;
  const phaseState = await store.phases.getPhaseState(
    plan.pipeline.ref,
    plan.phase.name,
  );
  const state = phaseState?.current;
  // A file that broke since is not the content stored: no diff against it.
  const content =
    state?.blobHash && !invalidOf(phaseState)
      ? await store.phases.getBlob(state.blobHash)
      : undefined;
  const reasons = [...decision.reasons];
  let status = decision.status;
  let diff = '';
  // The diff also when blocked (a pin, a gate): what would be written.
  if (decision.holding && content !== undefined && status !== 'up-to-date') {
    try {
      const after = await plan.source.apply(
        plan.sourcePhase,
        content,
        plan.change,
      );
      if (after !== content) {
        diff = await deps.documents.run({
          kind: 'diff',
          path: plan.location.path,
          before: content,
          after,
        });
      }
    } catch (error) {
      status = 'blocked';
      reasons.push(
        `${plan.location.path} cannot be written: ${
          error instanceof Error ? error.message : error
        }`,
      );
    }
  }
  return {
    pipelineRef: plan.pipeline.ref,
    kind: plan.kind,
    from: plan.from,
    to: plan.phase.name,
    status,
    reasons,
    gates: decision.gates,
    fromVersion: versionRefOf(plan.origin)!,
    ...(state ? { before: versionRefOf(state) } : {}),
    ...(decision.holding
      ? {
          after:
            status === 'up-to-date'
              ? versionRefOf(state)
              : versionRefOf(decision.holding),
        }
      : {}),
    path: plan.location.path,
    diff,
    ...(decision.promotionId ? { promotionId: decision.promotionId } : {}),
    ...(decision.pullRequest ? { pullRequest: decision.pullRequest } : {}),
  };
}
