import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { FleetRow } from '@glu-dev/plugin-glu-common';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { memo, useMemo } from 'react';
import { FleetCellView, usePhaseLink } from './FleetCell';
import {
  cellsByEnvironment,
  FleetGroup,
  FleetGroupBy,
  fleetTablePage,
  NO_SYSTEM,
} from './fleetText';

/** How many pipelines a page of the fleet table shows. */
export const FLEET_PAGE_SIZE = 50;

const useStyles = makeStyles(theme => ({
  group: {
    backgroundColor: theme.palette.background.default,
  },
  cell: { padding: theme.spacing(0.5, 1), verticalAlign: 'top' },
}));

const FleetTableRow = memo(function FleetTableRowContent(props: {
  row: FleetRow;
  environments: string[];
  now: number;
  phaseLink: ReturnType<typeof usePhaseLink>;
  className: string;
  compact?: boolean;
}) {
  const { row, environments, now, phaseLink, className, compact } = props;
  const cells = cellsByEnvironment(row);
  const title = row.title ?? row.name;
  return (
    <TableRow data-testid="fleet-row" data-pipeline={row.ref}>
      <TableCell component="th" scope="row" className={className}>
        <EntityRefLink entityRef={row.ref} title={title} />
        {!compact && row.system && (
          <Typography variant="caption" color="textSecondary" component="div">
            <EntityRefLink entityRef={row.system} defaultKind="system" />
          </Typography>
        )}
      </TableCell>
      {environments.map(environment => {
        const cell = cells.get(environment);
        return (
          <TableCell key={environment} className={className}>
            {cell ? (
              <FleetCellView
                cell={cell}
                to={phaseLink(row, cell.phase)}
                pipelineTitle={title}
                now={now}
              />
            ) : (
              <Typography
                variant="caption"
                color="textSecondary"
                aria-label={`${title} has no ${environment}`}
              >
                –
              </Typography>
            )}
          </TableCell>
        );
      })}
    </TableRow>
  );
});

function GroupHeading(props: { groupKey: string; groupBy: FleetGroupBy }) {
  const { groupKey, groupBy } = props;
  if (groupKey === NO_SYSTEM) return <>{NO_SYSTEM}</>;
  return (
    <EntityRefLink
      entityRef={groupKey}
      defaultKind={groupBy === 'owner' ? 'group' : 'system'}
    />
  );
}

/**
 * The fleet as a table: a row per pipeline, a column per environment,
 * grouped, a page at a time (only one page's rows are in the document).
 */
export function FleetTable(props: {
  groups: FleetGroup[];
  environments: string[];
  groupBy: FleetGroupBy;
  now: number;
  page: number;
  onPage?: (page: number) => void;
  /** Rows a page; {@link FLEET_PAGE_SIZE} by default. */
  pageSize?: number;
  /** Without group headings' counts, system lines and paging controls. */
  compact?: boolean;
}) {
  const { groups, environments, groupBy, now, onPage, compact } = props;
  const pageSize = props.pageSize ?? FLEET_PAGE_SIZE;
  const classes = useStyles();
  const phaseLink = usePhaseLink();
  const total = useMemo(
    () => groups.reduce((sum, group) => sum + group.rows.length, 0),
    [groups],
  );
  const lastPage = Math.max(0, Math.ceil(total / pageSize) - 1);
  const page = Math.min(props.page, lastPage);
  const lines = useMemo(
    () => fleetTablePage(groups, page, pageSize),
    [groups, page, pageSize],
  );
  const columns = environments.length + 1;
  return (
    <Paper variant={compact ? 'elevation' : 'outlined'} elevation={0}>
      <TableContainer>
        <Table size="small" aria-label="Fleet" stickyHeader={!compact}>
          <TableHead>
            <TableRow>
              <TableCell>Pipeline</TableCell>
              {environments.map(environment => (
                <TableCell key={environment}>{environment}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {lines.map(line =>
              line.type === 'group' ? (
                <TableRow
                  key={`group:${line.key}`}
                  className={classes.group}
                  data-testid="fleet-group"
                >
                  <TableCell colSpan={columns} component="th" scope="rowgroup">
                    <Typography variant="subtitle2" component="span">
                      <GroupHeading groupKey={line.key} groupBy={groupBy} />
                    </Typography>
                    {!compact && (
                      <Typography
                        variant="caption"
                        color="textSecondary"
                        component="span"
                      >
                        {' '}
                        ({line.count}{' '}
                        {line.count === 1 ? 'pipeline' : 'pipelines'})
                      </Typography>
                    )}
                  </TableCell>
                </TableRow>
              ) : (
                <FleetTableRow
                  key={line.row.ref}
                  row={line.row}
                  environments={environments}
                  now={now}
                  phaseLink={phaseLink}
                  className={classes.cell}
                  compact={compact}
                />
              ),
            )}
          </TableBody>
        </Table>
      </TableContainer>
      {onPage && total > pageSize && (
        <TablePagination
          component="div"
          count={total}
          page={page}
          rowsPerPage={pageSize}
          rowsPerPageOptions={[pageSize]}
          onPageChange={(_, next) => onPage(next)}
        />
      )}
    </Paper>
  );
}
