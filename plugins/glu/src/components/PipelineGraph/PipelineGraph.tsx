import {
  EdgeView,
  PipelineView,
  PromotionRequest,
} from '@glu-dev/plugin-glu-common';
import { makeStyles } from '@material-ui/core/styles';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import { Fragment, useCallback, useMemo, useState } from 'react';
import { GluPermissions } from '../../hooks/useGluPermissions';
import { PhaseHistoryDialog } from '../PhaseHistory/PhaseHistoryDialog';
import { RequestPromotionDialog } from '../Approvals/RequestPromotionDialog';
import { WithdrawRequestDialog } from '../Approvals/WithdrawRequestDialog';
import { ApproveDialog } from '../PhaseActions/ApproveDialog';
import { PinDialog, UnpinDialog } from '../PhaseActions/PinDialog';
import { PromoteDialog } from '../PromoteDialog/PromoteDialog';
import { QuarantineDialog } from '../Quarantines/QuarantineDialog';
import { layoutPipeline } from './layout';
import { PhaseCard } from './PhaseCard';

const useStyles = makeStyles(theme => ({
  graph: {
    display: 'flex',
    alignItems: 'flex-start',
    overflowX: 'auto',
    paddingBottom: theme.spacing(1),
  },
  column: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
  },
  arrow: {
    alignSelf: 'center',
    color: theme.palette.text.secondary,
    flexShrink: 0,
  },
}));

type OpenDialog =
  | {
      kind: 'promote' | 'hotfix' | 'approve' | 'request';
      from: string;
      to: string;
    }
  // The request as it was when the dialog opened: withdrawing it takes it
  // off the view.
  | { kind: 'withdraw'; request: PromotionRequest }
  | { kind: 'history' | 'pin' | 'unpin' | 'quarantine'; phase: string };

/**
 * The structure of a pipeline as a key: the layout is computed again only
 * when phases or edges change, not on every reload of their state.
 */
function structureKey(view: PipelineView): string {
  return JSON.stringify([
    view.phases.map(p => p.name),
    view.edges.map(e => [e.from, e.to]),
  ]);
}

/**
 * A pipeline as a graph: phases left to right in columns by their depth in
 * the promotion DAG, each with the edges into it and its controls.
 */
export function PipelineGraph(props: {
  pipeline: PipelineView;
  permissions: GluPermissions;
  onChanged: () => void;
}) {
  const { pipeline, permissions, onChanged } = props;
  const classes = useStyles();
  const [dialog, setDialog] = useState<OpenDialog>();

  const key = structureKey(pipeline);
  const { columns } = useMemo(
    () => layoutPipeline(pipeline.phases, pipeline.edges),
    // The key stands for the phases and edges that the layout reads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  const phases = useMemo(
    () => new Map(pipeline.phases.map(p => [p.name, p])),
    [pipeline.phases],
  );
  const incoming = useMemo(() => {
    const byPhase = new Map<string, EdgeView[]>();
    for (const edge of pipeline.edges) {
      byPhase.set(edge.to, [...(byPhase.get(edge.to) ?? []), edge]);
    }
    return byPhase;
  }, [pipeline.edges]);

  const close = useCallback(() => setDialog(undefined), []);
  const onPromote = useCallback(
    (edge: EdgeView) =>
      setDialog({ kind: 'promote', from: edge.from, to: edge.to }),
    [],
  );
  const onHotfix = useCallback(
    (edge: EdgeView) =>
      setDialog({ kind: 'hotfix', from: edge.from, to: edge.to }),
    [],
  );
  const onApprove = useCallback(
    (edge: EdgeView) =>
      setDialog({ kind: 'approve', from: edge.from, to: edge.to }),
    [],
  );
  const onRequest = useCallback(
    (edge: EdgeView) =>
      setDialog({ kind: 'request', from: edge.from, to: edge.to }),
    [],
  );
  const onWithdraw = useCallback(
    (edge: EdgeView) =>
      edge.request && setDialog({ kind: 'withdraw', request: edge.request }),
    [],
  );
  const onHistory = useCallback(
    (phase: string) => setDialog({ kind: 'history', phase }),
    [],
  );
  const onPin = useCallback(
    (phase: string) => setDialog({ kind: 'pin', phase }),
    [],
  );
  const onUnpin = useCallback(
    (phase: string) => setDialog({ kind: 'unpin', phase }),
    [],
  );
  const onQuarantine = useCallback(
    (phase: string) => setDialog({ kind: 'quarantine', phase }),
    [],
  );

  // Dialogs read the latest view, so a reload while open shows in them.
  const dialogEdge =
    dialog && 'from' in dialog
      ? pipeline.edges.find(e => e.from === dialog.from && e.to === dialog.to)
      : undefined;
  const dialogPhase =
    dialog && 'phase' in dialog ? phases.get(dialog.phase) : undefined;

  return (
    <>
      <div className={classes.graph} data-testid="pipeline-graph">
        {columns.map((column, i) => (
          <Fragment key={column.join(',')}>
            {i > 0 && <ChevronRightIcon className={classes.arrow} />}
            <div className={classes.column}>
              {column.map(name => (
                <PhaseCard
                  key={name}
                  pipeline={pipeline}
                  phase={phases.get(name)!}
                  incoming={incoming.get(name) ?? []}
                  permissions={permissions}
                  onPromote={onPromote}
                  onApprove={onApprove}
                  onHotfix={onHotfix}
                  onRequest={onRequest}
                  onWithdraw={onWithdraw}
                  onHistory={onHistory}
                  onPin={onPin}
                  onUnpin={onUnpin}
                  onQuarantine={onQuarantine}
                />
              ))}
            </div>
          </Fragment>
        ))}
      </div>
      {(dialog?.kind === 'promote' || dialog?.kind === 'hotfix') &&
        dialogEdge && (
          <PromoteDialog
            pipeline={pipeline}
            edge={dialogEdge}
            hotfix={dialog.kind === 'hotfix'}
            onClose={close}
            onPromoted={onChanged}
          />
        )}
      {dialog?.kind === 'approve' && dialogEdge && (
        <ApproveDialog
          pipeline={pipeline}
          edge={dialogEdge}
          onClose={close}
          onChanged={onChanged}
        />
      )}
      {dialog?.kind === 'request' && dialogEdge && (
        <RequestPromotionDialog
          pipeline={pipeline}
          edge={dialogEdge}
          onClose={close}
          onChanged={onChanged}
        />
      )}
      {dialog?.kind === 'withdraw' && (
        <WithdrawRequestDialog
          pipeline={pipeline}
          request={dialog.request}
          onClose={close}
          onChanged={onChanged}
        />
      )}
      {dialog?.kind === 'history' && dialogPhase && (
        <PhaseHistoryDialog
          pipeline={pipeline}
          phase={dialogPhase}
          permissions={permissions}
          onClose={close}
          onChanged={onChanged}
        />
      )}
      {dialog?.kind === 'pin' && dialogPhase && (
        <PinDialog
          pipeline={pipeline}
          phase={dialogPhase}
          onClose={close}
          onChanged={onChanged}
        />
      )}
      {dialog?.kind === 'quarantine' && dialogPhase?.state && (
        <QuarantineDialog
          pipeline={pipeline}
          entry={dialogPhase.state}
          onClose={close}
          onChanged={onChanged}
        />
      )}
      {dialog?.kind === 'unpin' && dialogPhase && (
        <UnpinDialog
          pipeline={pipeline}
          phase={dialogPhase}
          onClose={close}
          onChanged={onChanged}
        />
      )}
    </>
  );
}
