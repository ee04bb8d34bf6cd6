import { useApi } from '@backstage/core-plugin-api';
import { PipelineView, PromotionRequest } from '@glu-dev/plugin-glu-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { RequestLine } from './EdgeApproval';

/** Withdraws an open promotion request: its requester may, and so may who may promote. */
export function WithdrawRequestDialog(props: {
  pipeline: PipelineView;
  request: PromotionRequest;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { pipeline, request, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const confirm = useCallback(async () => {
    await gluApi.withdrawPromotionRequest(pipeline.ref, request.id);
    onChanged();
    return (
      <Alert severity="success">
        Withdrew the request for {request.version} into {request.to}.
      </Alert>
    );
  }, [
    gluApi,
    pipeline.ref,
    request.id,
    request.version,
    request.to,
    onChanged,
  ]);
  return (
    <ActionDialog
      title="Withdraw the promotion request"
      confirmLabel="Withdraw"
      errorTitle="The request could not be withdrawn"
      onConfirm={confirm}
      onClose={onClose}
    >
      <RequestLine request={request} />
      <Typography variant="body2" color="textSecondary">
        Approvals already given stay recorded; nothing is promoted until someone
        asks again or promotes it.
      </Typography>
    </ActionDialog>
  );
}
