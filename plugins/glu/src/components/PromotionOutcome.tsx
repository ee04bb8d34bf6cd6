import { Link } from '@backstage/core-components';
import { Promotion } from '@glu-dev/plugin-glu-common';
import Alert from '@material-ui/lab/Alert';
import { shortSha, versionLabel } from './format';

const succeeded = new Set(['succeeded', 'up-to-date', 'merged']);

/** That a promotion went through a freeze, and why. */
function HotfixNote(props: { promotion: Promotion }) {
  const { hotfix } = props.promotion;
  if (!hotfix) return null;
  return (
    <>
      {' '}
      As a hotfix through{' '}
      {hotfix.freezes.length === 1
        ? 'a freeze'
        : `${hotfix.freezes.length} freezes`}
      : {hotfix.reason}
    </>
  );
}

/** The link to what a promotion did: its pull request, else its commit. */
export function PromotionLink(props: { promotion: Promotion }) {
  const { pullRequest, commitUrl, commitSha } = props.promotion;
  if (pullRequest) {
    return (
      <Link to={pullRequest.url}>
        pull request #{pullRequest.number} ({pullRequest.state})
      </Link>
    );
  }
  if (commitUrl) {
    return (
      <Link to={commitUrl}>commit {commitSha ? shortSha(commitSha) : ''}</Link>
    );
  }
  if (commitSha) {
    return <code title={commitSha}>commit {shortSha(commitSha)}</code>;
  }
  return null;
}

/** What came of a promotion or rollback, with the link to its commit or pull request. */
export function PromotionOutcome(props: { promotion: Promotion }) {
  const { promotion } = props;
  const what = promotion.kind === 'rollback' ? 'Rolled back' : 'Promoted';
  const version = promotion.after ?? promotion.fromVersion;
  if (promotion.status === 'failed') {
    return (
      <Alert severity="error">
        The {promotion.kind} of {promotion.to} failed:{' '}
        {promotion.error ?? 'no reason given'}
      </Alert>
    );
  }
  if (promotion.status === 'up-to-date') {
    return (
      <Alert severity="info">
        {promotion.to} already holds{' '}
        {version ? versionLabel(version) : 'this version'}: nothing to commit.
      </Alert>
    );
  }
  if (promotion.pullRequest || promotion.status === 'open') {
    return (
      <Alert severity="success">
        Proposed {version ? versionLabel(version) : 'the version'} for{' '}
        {promotion.to} in <PromotionLink promotion={promotion} />; it lands when
        the pull request merges.
        <HotfixNote promotion={promotion} />
      </Alert>
    );
  }
  return (
    <Alert severity={succeeded.has(promotion.status) ? 'success' : 'info'}>
      {what} {promotion.to} to {version ? versionLabel(version) : 'the version'}
      {succeeded.has(promotion.status) ? '' : ` (${promotion.status})`}
      {promotion.commitSha || promotion.commitUrl ? (
        <>
          {' '}
          in <PromotionLink promotion={promotion} />
        </>
      ) : null}
      .<HotfixNote promotion={promotion} />
    </Alert>
  );
}
