import { Link } from '@backstage/core-components';
import { EdgeView, PhaseView, PipelineView } from '@glu-dev/plugin-glu-common';
import Card from '@material-ui/core/Card';
import CardActions from '@material-ui/core/CardActions';
import CardContent from '@material-ui/core/CardContent';
import CardHeader from '@material-ui/core/CardHeader';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import LockIcon from '@material-ui/icons/Lock';
import Alert from '@material-ui/lab/Alert';
import { memo, useRef } from 'react';
import { GluPermissions } from '../../hooks/useGluPermissions';
import { ActionButton } from '../ActionButton';
import { Actor } from '../Actor';
import { changeLabel, shortSha, versionLabel } from '../format';
import { QuarantineChip } from '../QuarantineChip';
import { SourceLink } from '../SourceLink';
import { TimeAgo } from '../TimeAgo';
import { VersionLabel } from '../VersionLabel';
import { VersionProvenance } from '../VersionProvenance';
import { EdgePanel } from './EdgePanel';
import { awaitsFirstVersion, FirstVersionHint } from './FirstVersion';
import { usePhaseFocus } from './phaseFocus';

const useStyles = makeStyles(theme => ({
  card: { width: 300, flexShrink: 0 },
  focused: {
    borderColor: theme.palette.primary.main,
    boxShadow: `0 0 0 2px ${theme.palette.primary.main}`,
    outline: 'none',
  },
  header: { paddingBottom: 0 },
  version: {
    marginBottom: theme.spacing(1),
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  notice: { marginTop: theme.spacing(1) },
}));

export type PhaseCardActions = {
  onPromote: (edge: EdgeView) => void;
  onApprove: (edge: EdgeView) => void;
  onHotfix: (edge: EdgeView) => void;
  onRequest: (edge: EdgeView) => void;
  onWithdraw: (edge: EdgeView) => void;
  onHistory: (phase: string) => void;
  onPin: (phase: string) => void;
  onUnpin: (phase: string) => void;
  /** Quarantines the version that the phase holds. */
  onQuarantine: (phase: string) => void;
};

/**
 * One phase: what it holds, where that lives, when and how it last changed,
 * whether it is pinned or failing to refresh, and the edges into it.
 */
export const PhaseCard = memo(function PhaseCardContent(
  props: {
    pipeline: PipelineView;
    phase: PhaseView;
    incoming: EdgeView[];
    permissions: GluPermissions;
  } & PhaseCardActions,
) {
  const { pipeline, phase, incoming, permissions } = props;
  const classes = useStyles();
  const cardRef = useRef<HTMLDivElement>(null);
  const focused = usePhaseFocus(phase.name, cardRef);
  const title = phase.title ?? phase.name;
  const state = phase.state;
  const quarantine = phase.quarantine ?? state?.quarantine;
  let pinDisabledReason: string | undefined;
  if (!permissions.pin.allowed) pinDisabledReason = permissions.pin.reason;
  else if (!state) {
    pinDisabledReason = 'Nothing to pin: the phase has not been observed yet';
  }

  return (
    <Card
      variant="outlined"
      role="region"
      aria-label={`Phase ${title}`}
      className={`${classes.card}${focused ? ` ${classes.focused}` : ''}`}
      ref={cardRef}
      {...(focused
        ? { tabIndex: -1, 'aria-current': 'location' as const }
        : {})}
      data-focused={focused || undefined}
    >
      <CardHeader
        title={title}
        titleTypographyProps={{ variant: 'h6' }}
        subheader={
          // The name, when the title does not already say it.
          phase.title && phase.title.toLocaleLowerCase('en-US') !== phase.name
            ? phase.name
            : undefined
        }
        action={
          phase.pin ? (
            <LockIcon color="action" titleAccess="pinned" />
          ) : undefined
        }
        className={classes.header}
      />
      <CardContent>
        <div className={classes.version}>
          {state ? (
            <>
              <VersionLabel version={state} variant="h5" />
              {quarantine && <QuarantineChip mark={quarantine} />}
            </>
          ) : (
            <Typography color="textSecondary">
              {awaitsFirstVersion(phase)
                ? 'no version published yet'
                : 'not observed yet'}
            </Typography>
          )}
        </div>
        <SourceLink source={phase.source} />
        {awaitsFirstVersion(phase) && (
          <div className={classes.notice}>
            <FirstVersionHint pipeline={pipeline} phase={phase} />
          </div>
        )}
        {state && (
          <Typography variant="body2" color="textSecondary">
            {changeLabel(state)} by <Actor actor={state.actor} />{' '}
            <TimeAgo time={state.observedAt} />
            {state.commitSha && (
              <>
                {' '}
                (
                {state.commitUrl ? (
                  <Link to={state.commitUrl}>{shortSha(state.commitSha)}</Link>
                ) : (
                  <code title={state.commitSha}>
                    {shortSha(state.commitSha)}
                  </code>
                )}
                )
              </>
            )}
          </Typography>
        )}
        {state && (
          <VersionProvenance
            author={state.author}
            approvedBy={state.approvedBy}
          />
        )}
        {phase.refreshError && (
          <div className={classes.notice}>
            <Alert severity="error">
              Failing to refresh: {phase.refreshError}
              {phase.refreshFailingSince && (
                <>
                  {' '}
                  (since <TimeAgo time={phase.refreshFailingSince} />)
                </>
              )}
            </Alert>
          </div>
        )}
        {phase.pin && (
          <div className={classes.notice}>
            <Alert severity="info" icon={<LockIcon fontSize="inherit" />}>
              Pinned at {versionLabel(phase.pin)} by{' '}
              <Actor actor={phase.pin.pinnedBy} />{' '}
              <TimeAgo time={phase.pin.pinnedAt} />: {phase.pin.reason}
            </Alert>
          </div>
        )}
        {incoming.map(edge => (
          <EdgePanel
            key={`${edge.from}->${edge.to}`}
            pipeline={pipeline}
            edge={edge}
            permissions={permissions}
            onPromote={props.onPromote}
            onApprove={props.onApprove}
            onHotfix={props.onHotfix}
            onRequest={props.onRequest}
            onWithdraw={props.onWithdraw}
          />
        ))}
      </CardContent>
      <CardActions>
        <ActionButton onClick={() => props.onHistory(phase.name)}>
          History
        </ActionButton>
        {phase.pin ? (
          <ActionButton
            disabledReason={
              permissions.pin.allowed ? undefined : permissions.pin.reason
            }
            onClick={() => props.onUnpin(phase.name)}
          >
            Unpin
          </ActionButton>
        ) : (
          <ActionButton
            disabledReason={pinDisabledReason}
            onClick={() => props.onPin(phase.name)}
          >
            Pin
          </ActionButton>
        )}
        {permissions.quarantine.allowed && state && (
          <ActionButton
            disabledReason={
              quarantine
                ? `Already quarantined: ${quarantine.reason} (quarantine ${quarantine.id})`
                : undefined
            }
            onClick={() => props.onQuarantine(phase.name)}
          >
            Quarantine
          </ActionButton>
        )}
      </CardActions>
    </Card>
  );
});
