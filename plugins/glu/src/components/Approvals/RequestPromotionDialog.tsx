import { useApi } from '@backstage/core-plugin-api';
import { EdgeView, PipelineView } from '@glu-dev/plugin-glu-common';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useId, useState } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { versionLabel } from '../format';
import { TimeAgo } from '../TimeAgo';
import { neededText, policyText } from './approvalText';

/**
 * Asks for the promotion along an edge that its approval policy holds, for
 * someone who may not promote it: an optional reason, then the request as
 * the backend answered, and who it waits for.
 */
export function RequestPromotionDialog(props: {
  pipeline: PipelineView;
  edge: EdgeView;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { pipeline, edge, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const [reason, setReason] = useState('');
  const id = useId();
  const titleOf = (name: string) =>
    pipeline.phases.find(p => p.name === name)?.title ?? name;
  const upstream = pipeline.phases.find(p => p.name === edge.from)?.state;
  const label = upstream ? versionLabel(upstream) : 'the version';
  const { approval } = edge;

  const confirm = useCallback(async () => {
    const request = await gluApi.requestPromotion(pipeline.ref, {
      phase: edge.to,
      from: edge.from,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
    onChanged();
    return (
      <Alert severity="success">
        Asked for the promotion of {request.version} into {request.to} (request{' '}
        {request.id}).{' '}
        {approval && !approval.passed
          ? `It waits for ${neededText(approval.needed)}; `
          : 'It waits for its approvals; '}
        it expires <TimeAgo time={request.expiresAt} />. Glu carries it out in
        your name once the approval policy is met.
      </Alert>
    );
  }, [gluApi, pipeline.ref, edge.to, edge.from, reason, approval, onChanged]);

  return (
    <ActionDialog
      title={`Request promotion: ${titleOf(edge.from)} → ${titleOf(edge.to)}`}
      confirmLabel="Request promotion"
      errorTitle="The promotion could not be requested"
      onConfirm={confirm}
      onClose={onClose}
    >
      <Typography variant="body2" paragraph>
        Ask for the promotion of {label}, which {edge.from} holds now, into{' '}
        {edge.to}. The people who may approve it are told; once its approval
        policy is met, Glu promotes it in your name.
      </Typography>
      {approval && (
        <Typography variant="body2" color="textSecondary" paragraph>
          Approval policy: {policyText(approval.policy)}.
        </Typography>
      )}
      <TextField
        id={`${id}-reason`}
        label="Reason (optional)"
        fullWidth
        margin="dense"
        variant="outlined"
        placeholder="The fix for the failing refunds"
        value={reason}
        inputProps={{ maxLength: 1000 }}
        onChange={e => setReason(e.target.value)}
      />
    </ActionDialog>
  );
}
