import { CodeSnippet, Link } from '@backstage/core-components';
import { PromotionDryRun } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';

/**
 * What the dry run decided, when it is not simply "promotable": the phase
 * holds the version already, something blocks the promotion (the diff still
 * shows what it would change), or a promotion is under way.
 */
export function DryRunStatus(props: { plan: PromotionDryRun; to: string }) {
  const { plan, to } = props;
  if (plan.status === 'up-to-date') {
    return (
      <Alert severity="info">
        {plan.kind === 'rollback'
          ? `${to} is already as it was then`
          : `${to} already holds this version`}
        : nothing to commit.
      </Alert>
    );
  }
  if (plan.status === 'blocked') {
    return (
      <Alert severity="warning" data-testid="dry-run-blocked">
        <AlertTitle>Blocked</AlertTitle>
        <ReasonList reasons={plan.reasons} />
      </Alert>
    );
  }
  if (plan.status === 'in-progress') {
    return (
      <Alert severity="info" data-testid="dry-run-in-progress">
        <AlertTitle>A promotion is under way</AlertTitle>
        {plan.pullRequest && (
          <Link to={plan.pullRequest.url}>
            pull request #{plan.pullRequest.number}
          </Link>
        )}
        <ReasonList reasons={plan.reasons} />
      </Alert>
    );
  }
  return null;
}

/**
 * The diff that the dry run says would be committed: shown also when
 * something blocks it, so that people see what would change; nothing when
 * the phase holds it already or nothing could be written.
 */
export function DryRunDiff(props: { plan: PromotionDryRun; testId: string }) {
  const { plan, testId } = props;
  if (plan.status === 'up-to-date') return null;
  if (!plan.diff && plan.status !== 'promotable') return null;
  return (
    <Box my={1} data-testid={testId}>
      <CodeSnippet
        language="diff"
        text={plan.diff || '(the file does not change)'}
      />
    </Box>
  );
}

function ReasonList(props: { reasons: string[] }) {
  if (props.reasons.length === 0) return null;
  return (
    <ul style={{ margin: 0, paddingLeft: 20 }}>
      {props.reasons.map(reason => (
        <li key={reason}>{reason}</li>
      ))}
    </ul>
  );
}
