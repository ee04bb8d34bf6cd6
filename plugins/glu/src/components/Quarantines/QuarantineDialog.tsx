import { useApi } from '@backstage/core-plugin-api';
import { HistoryEntry, PipelineView } from '@glu-dev/plugin-glu-common';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useCallback, useId, useState } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { shortDigest, versionLabel } from '../format';
import { QuarantineOutcome } from './QuarantineOutcome';

const listFormat = new Intl.ListFormat('en', { type: 'conjunction' });

/**
 * Quarantines a version of a pipeline by its digest, so that nothing
 * promotes it again there: a reason (required), and whether the phases that
 * hold it go back to what they held before, pinned. Shows the answer: the
 * phases that hold it, and what became of each rollback.
 */
export function QuarantineDialog(props: {
  pipeline: PipelineView;
  /** The version, as a phase holds it or held it. */
  entry: HistoryEntry;
  onClose: () => void;
  /** Called once the quarantine is set, to show it. */
  onChanged: () => void;
}) {
  const { pipeline, entry, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const [reason, setReason] = useState('');
  const [rollback, setRollback] = useState(false);
  const id = useId();
  const label = versionLabel(entry);
  // The phases that hold it, as the view last showed them.
  const holders = pipeline.phases
    .filter(p => p.state?.digest === entry.digest)
    .map(p => p.title ?? p.name);

  const confirm = useCallback(async () => {
    const quarantine = await gluApi.quarantine({
      pipeline: pipeline.ref,
      digest: entry.digest,
      reason: reason.trim(),
      rollback,
    });
    onChanged();
    return (
      <QuarantineOutcome quarantine={quarantine} pipelineRef={pipeline.ref} />
    );
  }, [gluApi, pipeline.ref, entry.digest, reason, rollback, onChanged]);

  return (
    <ActionDialog
      title={`Quarantine ${label}`}
      confirmLabel="Quarantine"
      errorTitle="The version could not be quarantined"
      canConfirm={reason.trim().length > 0}
      onConfirm={confirm}
      onClose={onClose}
    >
      <Typography variant="body2" paragraph>
        Nothing promotes {label} (digest {shortDigest(entry.digest)}) in{' '}
        {pipeline.title ?? pipeline.name} again: not by hand, automatically or
        as a hotfix, and no rollback goes back to it, until the quarantine is
        lifted.
      </Typography>
      <Typography variant="body2" color="textSecondary" paragraph>
        {holders.length
          ? `${listFormat.format(holders)} ${
              holders.length === 1 ? 'holds' : 'hold'
            } it now.`
          : 'No phase holds it now.'}
      </Typography>
      <TextField
        id={`${id}-reason`}
        label="Reason"
        required
        fullWidth
        margin="dense"
        variant="outlined"
        placeholder="Corrupts carts"
        value={reason}
        inputProps={{ maxLength: 1000 }}
        onChange={e => setReason(e.target.value)}
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={rollback}
            onChange={e => setRollback(e.target.checked)}
            color="primary"
          />
        }
        label="Roll back the phases that hold it, pinned"
      />
      <Typography variant="body2" color="textSecondary">
        Each goes back to the last version it held before that is not
        quarantined, through its own strategy (a commit or a pull request), and
        stays pinned there until someone unpins it.
      </Typography>
    </ActionDialog>
  );
}
