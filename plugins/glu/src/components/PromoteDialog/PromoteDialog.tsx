import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EdgeView, PipelineView } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useCallback, useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gluApiRef } from '../../api';
import { ActionDialog, FailureAlert } from '../ActionDialog';
import { DryRunDiff, DryRunStatus } from '../DryRunStatus';
import { isFreezeReason } from '../Freezes/freezeText';
import { GateList } from '../GateList';
import { PromotionOutcome } from '../PromotionOutcome';
import { VersionLabel } from '../VersionLabel';

function phaseTitle(pipeline: PipelineView, name: string): string {
  return pipeline.phases.find(p => p.name === name)?.title ?? name;
}

/**
 * Why a hotfix would go through: the freezes that block it, and what else
 * does (a hotfix goes through freezes only).
 */
function HotfixNotice(props: { to: string; reasons: string[] }) {
  const freezes = props.reasons.filter(isFreezeReason);
  const others = props.reasons.filter(r => !isFreezeReason(r));
  return (
    <Box mb={1}>
      <Alert severity="warning" data-testid="hotfix-notice">
        <AlertTitle>Promotions into {props.to} are frozen</AlertTitle>
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {freezes.map(reason => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
        A hotfix goes through the freeze; every other gate still applies. It is
        audited, marked as a hotfix in the history and the DORA figures, and
        told to the pipeline's owners and to whoever set the freeze.
        {others.length > 0 && (
          <>
            {' '}
            <strong>Blocked by more than the freeze:</strong>{' '}
            {others.join('; ')}.
          </>
        )}
      </Alert>
    </Box>
  );
}

/**
 * Promotes along one edge: shows what the promotion would do (the API's dry
 * run: versions and the diff to be committed) and the edge's gates, then
 * promotes on confirmation and shows the outcome, or the error as it is.
 * As a hotfix, it promotes through the freezes that block the edge, with a
 * reason that the user gives.
 */
export function PromoteDialog(props: {
  pipeline: PipelineView;
  edge: EdgeView;
  onClose: () => void;
  /** Called once the promotion was made, to reload the pipeline. */
  onPromoted: () => void;
  /** Promote through the freezes that block the edge (needs glu.pipeline.hotfix). */
  hotfix?: boolean;
}) {
  const { pipeline, edge, onClose, onPromoted, hotfix = false } = props;
  const [hotfixReason, setHotfixReason] = useState('');
  const reasonId = useId();
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
      ...(hotfix ? { hotfix: { reason: hotfixReason.trim() } } : {}),
    });
    onPromoted();
    return <PromotionOutcome promotion={result} />;
  }, [gluApi, ref, fromPhase, toPhase, onPromoted, hotfix, hotfixReason]);

  const from = phaseTitle(pipeline, edge.from);
  const to = phaseTitle(pipeline, edge.to);
  const plan = dryRun.value;
  const gates = plan?.gates.length ? plan.gates : edge.gates;
  // A hotfix goes through freezes, and nothing else.
  const onlyFrozen =
    plan?.status === 'blocked' &&
    plan.reasons.length > 0 &&
    plan.reasons.every(isFreezeReason);
  const canConfirm = hotfix
    ? hotfixReason.trim().length > 0 &&
      (plan?.status === 'promotable' || onlyFrozen)
    : plan?.status === 'promotable';

  return (
    <ActionDialog
      title={
        hotfix
          ? `Hotfix ${from} → ${to} through the freeze`
          : `Promote ${from} → ${to}`
      }
      confirmLabel={hotfix ? `Hotfix to ${to}` : `Promote to ${to}`}
      errorTitle={hotfix ? 'The hotfix failed' : 'The promotion failed'}
      canConfirm={canConfirm}
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
          {hotfix && plan.reasons.some(isFreezeReason) ? (
            <HotfixNotice to={to} reasons={plan.reasons} />
          ) : (
            <DryRunStatus plan={plan} to={to} />
          )}
          <DryRunDiff plan={plan} testId="promotion-diff" />
        </>
      )}
      {hotfix && (
        <TextField
          id={reasonId}
          label="Reason for the hotfix"
          required
          fullWidth
          margin="dense"
          variant="outlined"
          value={hotfixReason}
          inputProps={{ maxLength: 1000 }}
          helperText="Why this cannot wait for the freeze to end: recorded with the promotion"
          onChange={e => setHotfixReason(e.target.value)}
        />
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
