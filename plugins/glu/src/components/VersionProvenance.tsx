import Typography from '@material-ui/core/Typography';
import { Fragment } from 'react';
import { Actor } from './Actor';

/**
 * Who made a version and who approved the promotion that wrote it:
 * `Made by user:default/carol; approved by user:default/erin.`
 */
export function VersionProvenance(props: {
  author?: string;
  approvedBy?: string[];
}) {
  const { author } = props;
  const approvedBy = props.approvedBy ?? [];
  if (!author && approvedBy.length === 0) return null;
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      data-testid="version-provenance"
    >
      {author && (
        <>
          Made by <Actor actor={author} />
        </>
      )}
      {author && approvedBy.length > 0 ? '; approved by ' : null}
      {!author && approvedBy.length > 0 ? 'Approved by ' : null}
      {approvedBy.map((approver, i) => (
        <Fragment key={approver}>
          {i > 0 && ', '}
          <Actor actor={approver} />
        </Fragment>
      ))}
      .
    </Typography>
  );
}
