import {
  Link,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { EdgeView, PipelineView } from '@glu-dev/plugin-glu-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { GluPermissions } from '../../hooks/useGluPermissions';
import { ActionButton } from '../ActionButton';
import { approvalControls } from '../Approvals/approvalControls';
import { EdgeApproval } from '../Approvals/EdgeApproval';
import { isFreezeReason } from '../Freezes/freezeText';
import { versionLabel } from '../format';
import { GateList } from '../GateList';
import { awaitsFirstVersion, notObservedReason } from './FirstVersion';

export function EdgeStatusLabel(props: {
  status: EdgeView['status'];
  /** Blocked only because the upstream awaits its first version. */
  awaitingFirst?: boolean;
}) {
  if (props.awaitingFirst) {
    return <StatusPending>waiting for a first version</StatusPending>;
  }
  switch (props.status) {
    case 'up-to-date':
      return <StatusOK>up to date</StatusOK>;
    case 'promotable':
      return <StatusWarning>promotable</StatusWarning>;
    case 'blocked':
      return <StatusError>blocked</StatusError>;
    case 'in-progress':
      return <StatusRunning>in progress</StatusRunning>;
    default:
      return <>{props.status}</>;
  }
}

const useStyles = makeStyles(theme => ({
  edge: {
    marginTop: theme.spacing(1),
    paddingTop: theme.spacing(1),
    borderTop: `1px solid ${theme.palette.divider}`,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
  },
  reasons: {
    paddingLeft: theme.spacing(2),
    margin: theme.spacing(0.5, 0),
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  },
}));

function promoteDisabledReason(
  edge: EdgeView,
  permissions: GluPermissions,
  awaitingFirst: boolean,
): string | undefined {
  if (!permissions.promote.allowed) return permissions.promote.reason;
  if (awaitingFirst) {
    return `Nothing to promote yet: no version has been published to ${edge.from}`;
  }
  switch (edge.status) {
    case 'up-to-date':
      return `${edge.to} already holds what ${edge.from} holds`;
    case 'blocked':
      return `Blocked: ${edge.reasons.join('; ') || 'no reason given'}`;
    case 'in-progress':
      return 'A promotion along this edge is in progress';
    default:
      return undefined;
  }
}

/**
 * Whether to offer a hotfix through the freeze: only on an edge that a
 * freeze blocks, to those who may promote through freezes; disabled, with
 * why, when something else blocks it too (a hotfix goes through freezes
 * only) or the user may not promote.
 */
function hotfixOffer(
  edge: EdgeView,
  permissions: GluPermissions,
): { disabledReason?: string } | undefined {
  if (edge.status !== 'blocked' || !edge.reasons.some(isFreezeReason)) {
    return undefined;
  }
  if (!permissions.hotfix.allowed) return undefined;
  if (!permissions.promote.allowed) {
    return { disabledReason: permissions.promote.reason };
  }
  const others = edge.reasons.filter(r => !isFreezeReason(r));
  if (others.length > 0) {
    return {
      disabledReason: `A hotfix goes through freezes only; also blocked: ${others.join(
        '; ',
      )}`,
    };
  }
  return {};
}

/**
 * An edge into a phase: where it promotes from, its status and why, its
 * gates, the pull request under way, and the Promote and Approve controls.
 */
export function EdgePanel(props: {
  pipeline: PipelineView;
  edge: EdgeView;
  permissions: GluPermissions;
  onPromote: (edge: EdgeView) => void;
  onApprove: (edge: EdgeView) => void;
  /** Promotes through the freeze that blocks the edge, with a reason. */
  onHotfix: (edge: EdgeView) => void;
  /** Asks for the promotion, for those who may not promote it. */
  onRequest: (edge: EdgeView) => void;
  /** Withdraws the edge's open promotion request. */
  onWithdraw: (edge: EdgeView) => void;
}) {
  const { pipeline, edge, permissions, onPromote, onApprove, onHotfix } = props;
  const classes = useStyles();
  const upstream = pipeline.phases.find(p => p.name === edge.from);
  const fromTitle = upstream?.title ?? edge.from;
  const failedGates = new Set(
    edge.gates.filter(g => !g.passed).map(g => `${g.type}: ${g.reason}`),
  );
  // An upstream that awaits its first version is how a pipeline starts,
  // not a fault: its card says how to publish one.
  const upstreamAwaits = awaitsFirstVersion(
    pipeline.phases.find(p => p.name === edge.from),
  );
  // Reasons that are not a gate's (pins, phases not observed yet).
  const otherReasons = edge.reasons.filter(
    r =>
      !failedGates.has(r) && !(upstreamAwaits && r === notObservedReason(edge)),
  );
  const awaitingFirst =
    upstreamAwaits && edge.status === 'blocked' && otherReasons.length === 0;
  const hotfix = hotfixOffer(edge, permissions);
  const approvals = approvalControls(edge, permissions, {
    version:
      edge.request?.version ??
      (upstream?.state ? versionLabel(upstream.state) : 'this version'),
    awaitingFirst,
  });

  return (
    <div
      className={classes.edge}
      role="group"
      aria-label={`Promotion from ${fromTitle}`}
    >
      <div className={classes.header}>
        <Typography variant="body2">
          from <strong>{fromTitle}</strong>
          {edge.auto ? ' (automatic)' : ''}
          {edge.strategy === 'pull-request' ? ', by pull request' : ''}
        </Typography>
        <EdgeStatusLabel status={edge.status} awaitingFirst={awaitingFirst} />
      </div>
      {otherReasons.length > 0 && (
        <ul className={classes.reasons}>
          {otherReasons.map(reason => (
            <Typography
              key={reason}
              component="li"
              variant="body2"
              color="error"
            >
              {reason}
            </Typography>
          ))}
        </ul>
      )}
      {edge.autoDeclined && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="auto-declined"
        >
          Not promoted automatically: {edge.autoDeclined}
        </Typography>
      )}
      {edge.gates.length > 0 && <GateList gates={edge.gates} />}
      <EdgeApproval
        approval={edge.approval}
        request={edge.request}
        standing={approvals.standing}
        settled={edge.status === 'up-to-date'}
      />
      {edge.pullRequest && (
        <Typography variant="body2">
          <Link to={edge.pullRequest.url}>
            Pull request #{edge.pullRequest.number}
          </Link>{' '}
          ({edge.pullRequest.state}
          {edge.pullRequest.checks?.length
            ? `, checks: ${edge.pullRequest.checks
                .map(c => `${c.name} ${c.state}`)
                .join(', ')}`
            : ''}
          )
        </Typography>
      )}
      <div className={classes.actions}>
        <ActionButton
          variant="outlined"
          color="primary"
          disabledReason={promoteDisabledReason(
            edge,
            permissions,
            awaitingFirst,
          )}
          onClick={() => onPromote(edge)}
        >
          Promote
        </ActionButton>
        {hotfix && (
          <ActionButton
            variant="outlined"
            color="secondary"
            disabledReason={hotfix.disabledReason}
            onClick={() => onHotfix(edge)}
          >
            Hotfix through the freeze
          </ActionButton>
        )}
        {approvals.approve && (
          <ActionButton
            variant="outlined"
            disabledReason={approvals.approve.disabledReason}
            onClick={() => onApprove(edge)}
          >
            Approve
          </ActionButton>
        )}
        {approvals.request && (
          <ActionButton
            variant="outlined"
            color="primary"
            disabledReason={approvals.request.disabledReason}
            onClick={() => props.onRequest(edge)}
          >
            Request promotion
          </ActionButton>
        )}
        {approvals.withdraw && (
          <ActionButton
            variant="outlined"
            disabledReason={approvals.withdraw.disabledReason}
            onClick={() => props.onWithdraw(edge)}
          >
            Withdraw request
          </ActionButton>
        )}
      </div>
    </div>
  );
}
