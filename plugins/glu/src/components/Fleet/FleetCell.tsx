import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  FleetCell,
  FleetCellStatus,
  FleetPipeline,
} from '@glu-dev/plugin-glu-common';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import BlockIcon from '@material-ui/icons/Block';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import LockIcon from '@material-ui/icons/Lock';
import RadioButtonUncheckedIcon from '@material-ui/icons/RadioButtonUnchecked';
import ReportIcon from '@material-ui/icons/Report';
import SyncIcon from '@material-ui/icons/Sync';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import UpdateIcon from '@material-ui/icons/Update';
import { ComponentType, memo, useCallback } from 'react';
import {
  cellDescription,
  cellVersion,
  heldFor,
  statusLabel,
} from './fleetText';

type StatusLook = {
  icon: ComponentType<{ fontSize?: 'inherit'; className?: string }>;
  color: (theme: Theme) => string;
};

/** Each status's icon and colour; the label says it in words too. */
const looks: Record<FleetCellStatus, StatusLook> = {
  'up-to-date': { icon: CheckCircleIcon, color: t => t.palette.success.main },
  behind: { icon: UpdateIcon, color: t => t.palette.warning.main },
  promoting: { icon: SyncIcon, color: t => t.palette.info.main },
  blocked: { icon: BlockIcon, color: t => t.palette.error.main },
  pinned: { icon: LockIcon, color: t => t.palette.text.secondary },
  frozen: { icon: AcUnitIcon, color: t => t.palette.info.dark },
  quarantined: { icon: ReportIcon, color: t => t.palette.error.dark },
  'refresh-failing': {
    icon: SyncProblemIcon,
    color: t => t.palette.error.main,
  },
  empty: {
    icon: RadioButtonUncheckedIcon,
    color: t => t.palette.text.disabled,
  },
};

const useStyles = makeStyles(theme => ({
  cell: {
    display: 'block',
    minWidth: 120,
    padding: theme.spacing(0.25, 0.5),
    borderRadius: theme.shape.borderRadius,
    color: theme.palette.text.primary,
    '&:hover, &:focus-visible': {
      backgroundColor: theme.palette.action.hover,
      textDecoration: 'none',
    },
  },
  line: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  version: { fontWeight: 500 },
  ...Object.fromEntries(
    Object.entries(looks).map(([status, look]) => [
      status,
      { color: look.color(theme) },
    ]),
  ),
}));

/**
 * Where a pipeline's Glu tab opens at one phase: the entity's page, its
 * `glu` tab, `?phase=`.
 */
export function usePhaseLink(): (
  pipeline: Pick<FleetPipeline, 'name' | 'namespace'>,
  phase: string,
) => string {
  const entityRoute = useRouteRef(entityRouteRef);
  return useCallback(
    (pipeline, phase) =>
      `${entityRoute({
        kind: 'pipeline',
        namespace: pipeline.namespace,
        name: pipeline.name,
      })}/glu?${new URLSearchParams({ phase })}`,
    [entityRoute],
  );
}

function reasonsTitle(cell: FleetCell, now: number) {
  return (
    <>
      <div>
        {cell.phase === cell.environment
          ? cell.environment
          : `${cell.environment} (phase ${cell.phase})`}
        : {statusLabel(cell, now)}
      </div>
      {cell.behind && (
        <div>
          {cell.behind.version} waits in {cell.behind.from}
        </div>
      )}
      {cell.reasons.map(reason => (
        <div key={reason}>{reason}</div>
      ))}
    </>
  );
}

/**
 * What one phase of a pipeline holds under its environment: the version,
 * how long it has held it, and its status as an icon, a colour and a few
 * words; the reasons on hover or focus. It links to the phase in the
 * pipeline's Glu tab.
 */
export const FleetCellView = memo(function FleetCellContent(props: {
  cell: FleetCell;
  /** Where the cell links to. */
  to: string;
  /** The pipeline's title, for its accessible name. */
  pipelineTitle?: string;
  /** Now, as milliseconds since the epoch: the durations count up to it. */
  now: number;
}) {
  const { cell, to, pipelineTitle, now } = props;
  const classes = useStyles() as Record<string, string>;
  const Icon = looks[cell.status].icon;
  const version = cellVersion(cell);
  const held = heldFor(cell.since, now);
  return (
    <Tooltip title={reasonsTitle(cell, now)} placement="top" arrow>
      <Link
        to={to}
        className={classes.cell}
        aria-label={cellDescription(cell, now, pipelineTitle)}
        data-testid="fleet-cell"
        data-status={cell.status}
        data-environment={cell.environment}
      >
        <span className={classes.line}>
          <Icon fontSize="inherit" className={classes[cell.status]} />
          <Typography
            component="span"
            variant="body2"
            className={classes.version}
          >
            {version ?? '—'}
          </Typography>
          {held && (
            <Typography
              component="span"
              variant="caption"
              color="textSecondary"
            >
              for {held}
            </Typography>
          )}
        </span>
        <Typography
          component="span"
          variant="caption"
          className={`${classes.line} ${classes[cell.status]}`}
        >
          {statusLabel(cell, now)}
        </Typography>
      </Link>
    </Tooltip>
  );
});
