import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  HistoryEntry,
  PhaseView,
  PipelineView,
} from '@glu-dev/plugin-glu-common';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gluApiRef } from '../../api';
import { ActionPermission } from '../../hooks/useGluPermissions';
import { ActionDialog, FailureAlert } from '../ActionDialog';
import { DryRunDiff, DryRunStatus } from '../DryRunStatus';
import { versionLabel } from '../format';
import { PromotionOutcome } from '../PromotionOutcome';
import { VersionLabel } from '../VersionLabel';

/**
 * Rolls a phase back to an entry of its history: shows what the rollback
 * would do (the API's dry run: the diff it commits against the phase's file
 * as it is now, or why it would not write), and optionally pins the phase
 * there. A pinned phase must be pinned again; a phase that an automatic
 * edge feeds is pinned by default, or automatic promotion brings the
 * upstream's version straight back.
 */
export function RollbackDialog(props: {
  pipeline: PipelineView;
  phase: PhaseView;
  entry: HistoryEntry;
  pinPermission: ActionPermission;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { pipeline, phase, entry, pinPermission, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const pinned = Boolean(phase.pin);
  const current = phase.state;
  const autoEdge = pipeline.edges.find(e => e.to === phase.name && e.auto);
  const autoFrom =
    autoEdge &&
    (pipeline.phases.find(p => p.name === autoEdge.from)?.title ??
      autoEdge.from);
  const [pin, setPin] = useState(pinned || Boolean(autoEdge));
  const [reason, setReason] = useState(
    phase.pin?.reason ??
      (autoEdge
        ? `Rolled back from ${
            current ? versionLabel(current) : 'what it held'
          } to ${versionLabel(entry)}`
        : ''),
  );
  const reasonId = useId();

  // What the rollback would commit, against the file as it is now; with a
  // pin, the phase's current pin no longer stands in the way. The backend
  // only asks whether there is a pin: the reason typed so far does not
  // matter to the dry run, so typing it does not run the dry run again.
  const dryRun = useAsync(
    () =>
      gluApi.dryRunRollback(pipeline.ref, phase.name, {
        historyId: entry.id,
        ...(pin ? { pin: { reason: 'rollback' } } : {}),
      }),
    [gluApi, pipeline.ref, phase.name, entry.id, current?.id, pin],
  );
  const plan = dryRun.value;

  const rollback = useCallback(async () => {
    const promotion = await gluApi.rollback(pipeline.ref, phase.name, {
      historyId: entry.id,
      ...(pin ? { pin: { reason: reason.trim() } } : {}),
    });
    onChanged();
    return <PromotionOutcome promotion={promotion} />;
  }, [gluApi, pipeline.ref, phase.name, entry.id, pin, reason, onChanged]);

  const pinDisabledReason = !pinPermission.allowed
    ? pinPermission.reason
    : undefined;

  return (
    <ActionDialog
      title={`Roll ${phase.title ?? phase.name} back to ${versionLabel(entry)}`}
      confirmLabel="Roll back"
      canConfirm={
        // Not while the dry run runs again (the pin changed): the last
        // answer no longer says what the rollback would do.
        !dryRun.loading &&
        plan?.status === 'promotable' &&
        (!pin || (reason.trim() !== '' && pinPermission.allowed))
      }
      onConfirm={rollback}
      onClose={onClose}
      maxWidth="md"
    >
      <Typography variant="body1" gutterBottom>
        {phase.title ?? phase.name} holds{' '}
        {current ? <VersionLabel version={current} /> : 'nothing yet'} and goes
        back to <VersionLabel version={entry} />, the file exactly as it was
        then, recorded as a rollback. The diff is against the file as it is now:
        exactly what the rollback commits.
      </Typography>
      {autoEdge && (
        <Alert severity="warning" data-testid="rollback-auto">
          {autoFrom} feeds {phase.title ?? phase.name} automatically: unless the
          phase is pinned, automatic promotion brings {autoFrom}&apos;s version
          back the next time it runs, undoing the rollback. Pinning it here
          holds it until someone unpins it.
        </Alert>
      )}
      {dryRun.loading && <Progress />}
      {dryRun.error && (
        <FailureAlert
          title="Glu could not show what the rollback changes"
          error={dryRun.error}
        />
      )}
      {plan && (
        <>
          <DryRunStatus plan={plan} to={phase.title ?? phase.name} />
          <DryRunDiff plan={plan} testId="rollback-diff" />
        </>
      )}
      <Tooltip title={pinDisabledReason ?? ''}>
        <FormControlLabel
          control={
            <Checkbox
              checked={pin}
              onChange={e => setPin(e.target.checked)}
              disabled={Boolean(pinDisabledReason)}
            />
          }
          label={
            pinned
              ? 'Pin it there (the phase is pinned: it stays pinned only if pinned again)'
              : 'Pin it there, so that automatic promotion leaves it alone'
          }
        />
      </Tooltip>
      {pin && (
        <TextField
          id={reasonId}
          label="Why pin it"
          value={reason}
          onChange={e => setReason(e.target.value)}
          fullWidth
          required
          margin="dense"
          variant="outlined"
        />
      )}
    </ActionDialog>
  );
}
