import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  FleetDiffItem,
  FleetPromotionResult,
} from '@glu-dev/plugin-glu-common';
import Checkbox from '@material-ui/core/Checkbox';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { memo, useMemo } from 'react';
import { PromotionLink } from '../PromotionOutcome';
import { FleetCellView, usePhaseLink } from './FleetCell';
import { FLEET_PAGE_SIZE } from './FleetTable';
import { heldFor } from './fleetText';

/** What came of one pipeline's promotion, in its row. */
export function FleetPromotionResultView(props: {
  result: FleetPromotionResult;
}) {
  const { result } = props;
  if (result.error) {
    return (
      <Typography
        variant="body2"
        color="error"
        data-testid="fleet-promotion-result"
        data-outcome="refused"
      >
        Refused: {result.error.message}
      </Typography>
    );
  }
  const promotion = result.promotion;
  return (
    <Typography
      variant="body2"
      data-testid="fleet-promotion-result"
      data-outcome={promotion?.status === 'failed' ? 'failed' : 'promoted'}
      color={promotion?.status === 'failed' ? 'error' : 'textPrimary'}
    >
      Promotion {promotion?.status ?? 'asked'}
      {promotion?.error ? `: ${promotion.error}` : ''}
      {promotion && (
        <>
          {' '}
          <PromotionLink promotion={promotion} />
        </>
      )}
    </Typography>
  );
}

const CompareRow = memo(function CompareRowContent(props: {
  item: FleetDiffItem;
  result?: FleetPromotionResult;
  checked: boolean;
  onToggle: (ref: string) => void;
  now: number;
  phaseLink: ReturnType<typeof usePhaseLink>;
}) {
  const { item, result, checked, onToggle, now, phaseLink } = props;
  const title = item.pipeline.title ?? item.pipeline.name;
  const behind = item.to.behind;
  const lag = behind ? heldFor(behind.since, now) : undefined;
  return (
    <TableRow data-testid="fleet-compare-row" data-pipeline={item.pipeline.ref}>
      <TableCell padding="checkbox">
        {item.promotable && (
          <Checkbox
            checked={checked}
            onChange={() => onToggle(item.pipeline.ref)}
            inputProps={{ 'aria-label': `Select ${title}` }}
          />
        )}
      </TableCell>
      <TableCell component="th" scope="row" style={{ whiteSpace: 'nowrap' }}>
        <EntityRefLink entityRef={item.pipeline.ref} title={title} />
      </TableCell>
      <TableCell>
        <FleetCellView
          cell={item.from}
          to={phaseLink(item.pipeline, item.from.phase)}
          pipelineTitle={title}
          now={now}
        />
      </TableCell>
      <TableCell>
        <FleetCellView
          cell={item.to}
          to={phaseLink(item.pipeline, item.to.phase)}
          pipelineTitle={title}
          now={now}
        />
      </TableCell>
      <TableCell style={{ whiteSpace: 'nowrap' }}>
        {behind ? (
          <>
            {behind.versions} {behind.versions === 1 ? 'version' : 'versions'}
            {lag && (
              <Typography variant="caption" component="div">
                for {lag}
              </Typography>
            )}
          </>
        ) : (
          '–'
        )}
      </TableCell>
      <TableCell>
        {item.reasons.map(reason => (
          <Typography
            key={reason}
            variant="body2"
            style={{ overflowWrap: 'anywhere' }}
          >
            {reason}
          </Typography>
        ))}
      </TableCell>
      <TableCell aria-live="polite">
        {result && <FleetPromotionResultView result={result} />}
      </TableCell>
    </TableRow>
  );
});

/**
 * The pipelines whose `to` environment lags behind their `from` one, a page
 * at a time, with a checkbox on those that can be promoted now.
 */
export function FleetCompareTable(props: {
  from: string;
  to: string;
  rows: FleetDiffItem[];
  results: Map<string, FleetPromotionResult>;
  selected: ReadonlySet<string>;
  onSelect: (selected: ReadonlySet<string>) => void;
  now: number;
  page: number;
  onPage: (page: number) => void;
}) {
  const { from, to, rows, results, selected, onSelect, now } = props;
  const phaseLink = usePhaseLink();
  const promotable = useMemo(
    () => rows.filter(item => item.promotable).map(item => item.pipeline.ref),
    [rows],
  );
  const all =
    promotable.length > 0 && promotable.every(ref => selected.has(ref));
  const some = promotable.some(ref => selected.has(ref));
  const lastPage = Math.max(0, Math.ceil(rows.length / FLEET_PAGE_SIZE) - 1);
  const page = Math.min(props.page, lastPage);
  const pageRows = rows.slice(
    page * FLEET_PAGE_SIZE,
    (page + 1) * FLEET_PAGE_SIZE,
  );
  const onToggle = (ref: string) => {
    const next = new Set(selected);
    if (next.has(ref)) next.delete(ref);
    else next.add(ref);
    onSelect(next);
  };

  if (rows.length === 0) {
    return (
      <Typography color="textSecondary">
        Every pipeline&apos;s {to} holds what its {from} holds.
      </Typography>
    );
  }
  return (
    <Paper variant="outlined">
      <TableContainer>
        <Table size="small" aria-label={`Compare ${from} to ${to}`}>
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <Checkbox
                  checked={all}
                  indeterminate={some && !all}
                  disabled={promotable.length === 0}
                  onChange={() => onSelect(new Set(all ? [] : promotable))}
                  inputProps={{ 'aria-label': 'Select every promotable' }}
                />
              </TableCell>
              <TableCell>Pipeline</TableCell>
              <TableCell>{from}</TableCell>
              <TableCell>{to}</TableCell>
              <TableCell>Lag</TableCell>
              <TableCell style={{ minWidth: 320 }}>Reasons</TableCell>
              <TableCell style={{ minWidth: 200 }}>Result</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {pageRows.map(item => (
              <CompareRow
                key={item.pipeline.ref}
                item={item}
                result={results.get(item.pipeline.ref)}
                checked={selected.has(item.pipeline.ref)}
                onToggle={onToggle}
                now={now}
                phaseLink={phaseLink}
              />
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {rows.length > FLEET_PAGE_SIZE && (
        <TablePagination
          component="div"
          count={rows.length}
          page={page}
          rowsPerPage={FLEET_PAGE_SIZE}
          rowsPerPageOptions={[FLEET_PAGE_SIZE]}
          onPageChange={(_, next) => props.onPage(next)}
        />
      )}
    </Paper>
  );
}
