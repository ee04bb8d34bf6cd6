import { ApprovalStatus, PromotionRequest } from '@glu-dev/plugin-glu-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Actor } from '../Actor';
import { TimeAgo } from '../TimeAgo';
import { policyText, standingText } from './approvalText';

const useStyles = makeStyles(theme => ({
  approval: {
    margin: theme.spacing(0.5, 0),
    padding: theme.spacing(0.5, 1),
    borderLeft: `3px solid ${theme.palette.divider}`,
  },
  list: {
    paddingLeft: theme.spacing(2),
    margin: theme.spacing(0.25, 0),
  },
}));

/** An open promotion request: who asked, for which version, why, until when. */
export function RequestLine(props: { request: PromotionRequest }) {
  const { request } = props;
  return (
    <Typography variant="body2" data-testid="promotion-request">
      Requested by <Actor actor={request.requestedBy} /> for{' '}
      <strong>{request.version}</strong> <TimeAgo time={request.createdAt} />
      {request.reason ? `: ${request.reason}` : ''}; expires{' '}
      <TimeAgo time={request.expiresAt} />.
    </Typography>
  );
}

/**
 * Where an edge's approval policy stands: the policy in words, who approved
 * (counted or not, and why), who is still needed, the open request, and
 * whether the signed-in user may approve, and if not, why.
 */
export function EdgeApproval(props: {
  approval?: ApprovalStatus;
  request?: PromotionRequest;
  /** Whether the signed-in user may approve, in a sentence. */
  standing?: { may: boolean; text: string };
  /** The phase holds the version already: only the policy is worth saying. */
  settled?: boolean;
}) {
  const { approval, request, standing, settled } = props;
  const classes = useStyles();
  if (!approval && !request) return null;
  return (
    <div
      className={classes.approval}
      role="group"
      aria-label="Approvals"
      data-testid="edge-approval"
    >
      {approval && (
        <>
          <Typography variant="body2">
            Approval policy: {policyText(approval.policy)}
          </Typography>
          {!settled && approval.approvals.length > 0 && (
            <ul className={classes.list}>
              {approval.approvals.map(a => (
                <Typography
                  key={a.approver}
                  component="li"
                  variant="body2"
                  color={a.counted ? 'textPrimary' : 'textSecondary'}
                >
                  Approved by <Actor actor={a.approver} />{' '}
                  <TimeAgo time={a.approvedAt} />
                  {a.groups.length ? ` (${a.groups.join(', ')})` : ''}
                  {a.counted ? '' : `: not counted, ${a.why ?? 'no reason'}`}
                </Typography>
              ))}
            </ul>
          )}
          {!settled && (
            <Typography
              variant="body2"
              color={approval.passed ? 'textPrimary' : 'error'}
              data-testid="approval-needed"
            >
              {standingText(approval)}
            </Typography>
          )}
        </>
      )}
      {request && <RequestLine request={request} />}
      {standing && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="approval-standing"
        >
          {standing.text}
        </Typography>
      )}
    </div>
  );
}
