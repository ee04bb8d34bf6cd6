import { useApi } from '@backstage/core-plugin-api';
import { Freeze } from '@glu-dev/plugin-glu-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { scopeLabel } from './freezeText';

/** Lifts a freeze set at run time, on confirmation. */
export function LiftFreezeDialog(props: {
  freeze: Freeze;
  onClose: () => void;
  /** Called once the freeze is lifted, to list the rest. */
  onLifted: () => void;
}) {
  const { freeze, onClose, onLifted } = props;
  const gluApi = useApi(gluApiRef);
  const lift = useCallback(async () => {
    await gluApi.liftFreeze(freeze.id);
    onLifted();
    return <Alert severity="success">Lifted the freeze.</Alert>;
  }, [gluApi, freeze.id, onLifted]);
  return (
    <ActionDialog
      title="Lift the freeze"
      confirmLabel="Lift"
      errorTitle="The freeze could not be lifted"
      onConfirm={lift}
      onClose={onClose}
    >
      <Typography variant="body1" gutterBottom>
        {freeze.reason}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        It holds {scopeLabel(freeze.scope)}. Once lifted, promotions into those
        phases go on, and automatic promotions that waited go on in the order
        their versions arrived.
      </Typography>
    </ActionDialog>
  );
}
