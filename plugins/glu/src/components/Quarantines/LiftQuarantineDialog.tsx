import { useApi } from '@backstage/core-plugin-api';
import { Quarantine } from '@glu-dev/plugin-glu-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { quarantinedLabel, scopeLabel } from './quarantineText';

/** Lifts a quarantine, on confirmation. */
export function LiftQuarantineDialog(props: {
  quarantine: Quarantine;
  onClose: () => void;
  /** Called once the quarantine is lifted, to show the rest. */
  onLifted: () => void;
}) {
  const { quarantine, onClose, onLifted } = props;
  const gluApi = useApi(gluApiRef);
  const lift = useCallback(async () => {
    await gluApi.liftQuarantine(quarantine.id);
    onLifted();
    return <Alert severity="success">Lifted the quarantine.</Alert>;
  }, [gluApi, quarantine.id, onLifted]);
  return (
    <ActionDialog
      title={`Lift the quarantine of ${quarantinedLabel(quarantine)}`}
      confirmLabel="Lift"
      errorTitle="The quarantine could not be lifted"
      onConfirm={lift}
      onClose={onClose}
    >
      <Typography variant="body1" gutterBottom>
        {quarantine.reason}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        It holds {quarantinedLabel(quarantine)} back {scopeLabel(quarantine)}.
        Once lifted, it may be promoted again, and what it held back is decided
        again at once. Pins that its rollbacks set stay until they are unpinned.
      </Typography>
    </ActionDialog>
  );
}
