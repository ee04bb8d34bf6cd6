import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  HistoryEntry,
  PhaseView,
  PipelineView,
} from '@glu-dev/plugin-glu-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Timeline from '@material-ui/lab/Timeline';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import { memo, useCallback, useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gluApiRef } from '../../api';
import { GluPermissions } from '../../hooks/useGluPermissions';
import { ActionButton } from '../ActionButton';
import { Actor } from '../Actor';
import { causeLabel, changeLabel, shortSha } from '../format';
import { HotfixChip } from '../HotfixChip';
import { QuarantineChip } from '../QuarantineChip';
import { QuarantineDialog } from '../Quarantines/QuarantineDialog';
import { TimeAgo } from '../TimeAgo';
import { VersionProvenance } from '../VersionProvenance';
import { VersionLabel } from '../VersionLabel';
import { RollbackDialog } from './RollbackDialog';

/** How many history entries a page shows: a long history is never rendered at once. */
export const HISTORY_PAGE_SIZE = 20;

const useStyles = makeStyles(theme => ({
  when: { flex: 0.25 },
  what: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

function rollbackDisabledReason(
  phase: PhaseView,
  entry: HistoryEntry,
  permissions: GluPermissions,
): string | undefined {
  if (!permissions.rollback.allowed) return permissions.rollback.reason;
  if (!phase.writable) {
    return `${phase.name} reads from a ${phase.source.type} source, which Glu cannot write to`;
  }
  if (phase.state?.id === entry.id) return 'This is the current state';
  return undefined;
}

function CommitLink(props: { entry: HistoryEntry }) {
  const { commitSha, commitUrl } = props.entry;
  if (!commitSha) return null;
  return commitUrl ? (
    <Link to={commitUrl}>commit {shortSha(commitSha)}</Link>
  ) : (
    <code title={commitSha}>commit {shortSha(commitSha)}</code>
  );
}

/** One entry of the timeline; memoized, so paging re-renders only what changed. */
const HistoryItem = memo(function HistoryTimelineItem(props: {
  entry: HistoryEntry;
  current: boolean;
  last: boolean;
  rollbackDisabledReason?: string;
  onRollback: (entry: HistoryEntry) => void;
  /** Absent for those who may not quarantine versions of the pipeline. */
  onQuarantine?: (entry: HistoryEntry) => void;
}) {
  const { entry, current, last, onRollback, onQuarantine } = props;
  const classes = useStyles();
  return (
    <TimelineItem>
      <TimelineOppositeContent className={classes.when}>
        <Typography variant="body2" color="textSecondary">
          <TimeAgo time={entry.observedAt} />
        </Typography>
      </TimelineOppositeContent>
      <TimelineSeparator>
        <TimelineDot color={current ? 'primary' : 'grey'} />
        {!last && <TimelineConnector />}
      </TimelineSeparator>
      <TimelineContent>
        <div className={classes.what}>
          <VersionLabel version={entry} />
          <Chip size="small" label={causeLabel(entry.cause)} />
          {entry.hotfix && <HotfixChip reason={entry.hotfix} />}
          {entry.quarantine && <QuarantineChip mark={entry.quarantine} />}
          {entry.keptVersion && (
            <Chip size="small" variant="outlined" label="version kept" />
          )}
          {current && <Chip size="small" color="primary" label="current" />}
        </div>
        <Typography variant="body2" color="textSecondary">
          {changeLabel(entry)} by <Actor actor={entry.actor} />
          {entry.commitSha && (
            <>
              {' '}
              in <CommitLink entry={entry} />
            </>
          )}
        </Typography>
        <VersionProvenance
          author={entry.author}
          approvedBy={entry.approvedBy}
        />
        {entry.message && (
          <Typography variant="body2">{entry.message}</Typography>
        )}
        {entry.reason && (
          <Typography variant="body2" color="error">
            Rolled back because {entry.reason}
          </Typography>
        )}
        <ActionButton
          color="primary"
          disabledReason={props.rollbackDisabledReason}
          onClick={() => onRollback(entry)}
        >
          Roll back to this
        </ActionButton>
        {onQuarantine && (
          <ActionButton
            color="secondary"
            disabledReason={
              entry.quarantine
                ? `Already quarantined: ${entry.quarantine.reason} (quarantine ${entry.quarantine.id})`
                : undefined
            }
            onClick={() => onQuarantine(entry)}
          >
            Quarantine this version
          </ActionButton>
        )}
      </TimelineContent>
    </TimelineItem>
  );
});

/**
 * A phase's history as a timeline, newest first, one page at a time (the
 * API's cursor), with a rollback to any entry that has a file to go back to.
 */
export function PhaseHistoryDialog(props: {
  pipeline: PipelineView;
  phase: PhaseView;
  permissions: GluPermissions;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { pipeline, phase, permissions, onClose, onChanged } = props;
  const gluApi = useApi(gluApiRef);
  const titleId = useId();
  // The cursors of the pages seen so far: the last one is showing.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [rollbackTo, setRollbackTo] = useState<HistoryEntry>();
  const [quarantining, setQuarantining] = useState<HistoryEntry>();
  // Bumped by a quarantine set here: the page shows its marks at once.
  const [marked, setMarked] = useState(0);
  const onQuarantined = useCallback(() => {
    setMarked(m => m + 1);
    onChanged();
  }, [onChanged]);

  const page = useAsync(
    () =>
      gluApi.listHistory(pipeline.ref, phase.name, {
        limit: HISTORY_PAGE_SIZE,
        cursor,
      }),
    // A new state of the phase, or a quarantine, reloads the page, so the
    // newest shows at once.
    [
      gluApi,
      pipeline.ref,
      phase.name,
      cursor,
      phase.state?.id,
      phase.quarantine?.id,
      marked,
    ],
  );
  const nextCursor = page.value?.nextCursor;

  return (
    <Dialog
      open
      aria-labelledby={titleId}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      scroll="paper"
    >
      <DialogTitle id={titleId}>
        History of {phase.title ?? phase.name}
      </DialogTitle>
      <DialogContent dividers>
        {page.loading && !page.value && <Progress />}
        {page.error && <ResponseErrorPanel error={page.error} />}
        {page.value && page.value.items.length === 0 && (
          <Typography color="textSecondary">
            Nothing has been observed in this phase yet.
          </Typography>
        )}
        {page.value && page.value.items.length > 0 && (
          <Timeline align="left" data-testid="phase-history">
            {page.value.items.map((entry, i) => (
              <HistoryItem
                key={entry.id}
                entry={entry}
                current={entry.id === phase.state?.id}
                last={i === page.value!.items.length - 1}
                rollbackDisabledReason={rollbackDisabledReason(
                  phase,
                  entry,
                  permissions,
                )}
                onRollback={setRollbackTo}
                onQuarantine={
                  permissions.quarantine.allowed ? setQuarantining : undefined
                }
              />
            ))}
          </Timeline>
        )}
      </DialogContent>
      <DialogActions>
        <Typography variant="body2" color="textSecondary">
          Page {cursors.length}
        </Typography>
        <Button
          disabled={cursors.length === 1 || page.loading}
          onClick={() => setCursors(c => c.slice(0, -1))}
        >
          Newer
        </Button>
        <Button
          disabled={!nextCursor || page.loading}
          onClick={() => setCursors(c => [...c, nextCursor])}
        >
          Older
        </Button>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
      {rollbackTo && (
        <RollbackDialog
          pipeline={pipeline}
          phase={phase}
          entry={rollbackTo}
          pinPermission={permissions.pin}
          onClose={() => setRollbackTo(undefined)}
          onChanged={onChanged}
        />
      )}
      {quarantining && (
        <QuarantineDialog
          pipeline={pipeline}
          entry={quarantining}
          onClose={() => setQuarantining(undefined)}
          onChanged={onQuarantined}
        />
      )}
    </Dialog>
  );
}
