import { useApi } from '@backstage/core-plugin-api';
import { EdgeView, PhaseView, PipelineView } from '@glu-dev/plugin-glu-common';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { versionLabel } from '../format';
import { GateList } from '../GateList';

/** Approves, for a phase, the version that the edge's upstream phase holds now. */
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
    return (
      <Alert severity="success">
        Approved {versionLabel(result)} for {edge.to}. Approved by{' '}
        {result.approvers.join(', ')}.
      </Alert>
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
    </ActionDialog>
  );
}
