import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EdgeView, PipelineView } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useCallback } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gluApiRef } from '../../api';
import { ActionDialog, FailureAlert } from '../ActionDialog';
import { DryRunDiff, DryRunStatus } from '../DryRunStatus';
import { GateList } from '../GateList';
import { PromotionOutcome } from '../PromotionOutcome';
import { VersionLabel } from '../VersionLabel';

function phaseTitle(pipeline: PipelineView, name: string): string {
  return pipeline.phases.find(p => p.name === name)?.title ?? name;
}

/**
 * Promotes along one edge: shows what the promotion would do (the API's dry
 * run: versions and the diff to be committed) and the edge's gates, then
 * promotes on confirmation and shows the outcome, or the error as it is.
 */
export function PromoteDialog(props: {
  pipeline: PipelineView;
  edge: EdgeView;
  onClose: () => void;
  /** Called once the promotion was made, to reload the pipeline. */
  onPromoted: () => void;
}) {
  const { pipeline, edge, onClose, onPromoted } = props;
  const gluApi = useApi(gluApiRef);
  const { ref } = pipeline;
  const { from: fromPhase, to: toPhase } = edge;

  const dryRun = useAsync(
    () => gluApi.dryRunPromotion(ref, { phase: toPhase, from: fromPhase }),
    [gluApi, ref, fromPhase, toPhase],
  );
  const promote = useCallback(async () => {
    const result = await gluApi.promote(ref, {
      phase: toPhase,
      from: fromPhase,
    });
    onPromoted();
    return <PromotionOutcome promotion={result} />;
  }, [gluApi, ref, fromPhase, toPhase, onPromoted]);

  const from = phaseTitle(pipeline, edge.from);
  const to = phaseTitle(pipeline, edge.to);
  const plan = dryRun.value;
  const gates = plan?.gates.length ? plan.gates : edge.gates;

  return (
    <ActionDialog
      title={`Promote ${from} → ${to}`}
      confirmLabel={`Promote to ${to}`}
      errorTitle="The promotion failed"
      canConfirm={plan?.status === 'promotable'}
      onConfirm={promote}
      onClose={onClose}
      maxWidth="md"
    >
      {dryRun.loading && <Progress />}
      {dryRun.error && (
        <FailureAlert
          title="Glu could not work out what this promotion would change"
          error={dryRun.error}
        />
      )}
      {plan && (
        <>
          <Typography variant="body1" gutterBottom>
            {from} holds <VersionLabel version={plan.fromVersion} />. {to} holds{' '}
            {plan.before ? (
              <VersionLabel version={plan.before} />
            ) : (
              'nothing yet'
            )}
            {plan.after ? (
              <>
                {' '}
                and will hold <VersionLabel version={plan.after} />.
              </>
            ) : (
              ', and cannot hold this version.'
            )}
          </Typography>
          <Typography variant="body2" color="textSecondary" gutterBottom>
            {edge.strategy === 'pull-request'
              ? 'By pull request: the change is proposed on a branch of its own and lands when the pull request merges.'
              : 'By commit: the change is pushed to the branch at once.'}{' '}
            {plan.path && (
              <>
                File: <code>{plan.path}</code>
              </>
            )}
          </Typography>
          <DryRunStatus plan={plan} to={to} />
          <DryRunDiff plan={plan} testId="promotion-diff" />
        </>
      )}
      <Box mt={2}>
        <Typography variant="subtitle2">Gates</Typography>
        {gates.length ? (
          <GateList gates={gates} />
        ) : (
          <Typography variant="body2" color="textSecondary">
            This edge has no gates.
          </Typography>
        )}
      </Box>
    </ActionDialog>
  );
}
