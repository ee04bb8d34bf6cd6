import { useApi } from '@backstage/core-plugin-api';
import { PhaseView, PipelineView } from '@glu-dev/plugin-glu-common';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useId, useState } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { versionLabel } from '../format';

/** Pins a phase at its current version, with a reason. */
export function PinDialog(props: {
  pipeline: PipelineView;
  phase: PhaseView;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { pipeline, phase, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const pin = useCallback(async () => {
    const result = await gluApi.pinPhase(
      pipeline.ref,
      phase.name,
      reason.trim(),
    );
    onChanged();
    return (
      <Alert severity="success">
        Pinned {phase.title ?? phase.name} at {versionLabel(result)}.
      </Alert>
    );
  }, [gluApi, pipeline.ref, phase, reason, onChanged]);
  return (
    <ActionDialog
      title={`Pin ${phase.title ?? phase.name}`}
      confirmLabel="Pin"
      canConfirm={reason.trim() !== ''}
      onConfirm={pin}
      onClose={onClose}
    >
      <Typography variant="body2" gutterBottom>
        The phase stays at{' '}
        {phase.state ? versionLabel(phase.state) : 'its current version'}:
        automatic promotion leaves it alone and promoting into it is refused
        until it is unpinned.
      </Typography>
      <TextField
        id={reasonId}
        label="Reason"
        placeholder="e.g. release freeze until Monday"
        value={reason}
        onChange={e => setReason(e.target.value)}
        fullWidth
        required
        margin="dense"
        variant="outlined"
      />
    </ActionDialog>
  );
}

/** Releases a pinned phase. */
export function UnpinDialog(props: {
  pipeline: PipelineView;
  phase: PhaseView;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { pipeline, phase, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const unpin = useCallback(async () => {
    await gluApi.unpinPhase(pipeline.ref, phase.name);
    onChanged();
    return (
      <Alert severity="success">Unpinned {phase.title ?? phase.name}.</Alert>
    );
  }, [gluApi, pipeline.ref, phase, onChanged]);
  return (
    <ActionDialog
      title={`Unpin ${phase.title ?? phase.name}`}
      confirmLabel="Unpin"
      onConfirm={unpin}
      onClose={onClose}
    >
      <Typography variant="body2">
        {phase.pin
          ? `Pinned by ${phase.pin.pinnedBy}: ${phase.pin.reason}. `
          : ''}
        Once unpinned, automatic promotion brings the newest upstream version in
        (one promotion, not every version it missed).
      </Typography>
    </ActionDialog>
  );
}
