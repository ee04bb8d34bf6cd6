import { useApi } from '@backstage/core-plugin-api';
import { EdgeView, PhaseView, PipelineView } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { EdgeApproval } from '../Approvals/EdgeApproval';
import { neededText } from '../Approvals/approvalText';
import { versionLabel } from '../format';
import { GateList } from '../GateList';
import { PromotionOutcome } from '../PromotionOutcome';

/**
 * Approves, for a phase, the version that the edge's upstream phase holds
 * now; shows where the policy stands after it, and the promotion that Glu
 * carried out when the approval met an open request's policy.
 */
export function ApproveDialog(props: {
  pipeline: PipelineView;
  edge: EdgeView;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { pipeline, edge, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const upstream: PhaseView | undefined = pipeline.phases.find(
    p => p.name === edge.from,
  );
  const approve = useCallback(async () => {
    const result = await gluApi.approve(pipeline.ref, edge.to, {
      from: edge.from,
    });
    onChanged();
    const { approval, promotion } = result;
    return (
      <>
        <Alert severity="success">
          Approved {versionLabel(result)} for {edge.to}. Approved by{' '}
          {result.approvers.join(', ')}.
        </Alert>
        {approval && !promotion && (
          <Box mt={1}>
            <Typography variant="body2" data-testid="approval-outcome">
              {approval.passed
                ? `The approval policy is met: ${versionLabel(
                    result,
                  )} may go to ${edge.to}.`
                : `Still waiting for ${neededText(approval.needed)}.`}
            </Typography>
          </Box>
        )}
        {promotion && (
          <Box mt={1}>
            <Typography variant="body2" gutterBottom>
              That met the approval policy of the request by{' '}
              {promotion.triggeredBy}: Glu carried out the promotion in their
              name.
            </Typography>
            <PromotionOutcome promotion={promotion} />
          </Box>
        )}
      </>
    );
  }, [gluApi, pipeline.ref, edge.from, edge.to, onChanged]);
  return (
    <ActionDialog
      title={`Approve for ${edge.to}`}
      confirmLabel="Approve"
      onConfirm={approve}
      onClose={onClose}
    >
      <Typography variant="body2" gutterBottom>
        Approve {upstream?.state ? versionLabel(upstream.state) : 'the version'}
        , which {edge.from} holds now, for {edge.to}.
      </Typography>
      <GateList gates={edge.gates.filter(g => g.type === 'approvals')} />
      <EdgeApproval approval={edge.approval} request={edge.request} />
    </ActionDialog>
  );
}
