import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { FleetParams, FleetParamsUpdate } from './fleetParams';
import { FleetTable } from './FleetTable';
import { groupFleet, matchesText } from './fleetText';
import { FleetState } from './useFleet';

/**
 * The fleet view of the pipelines page: every pipeline that the filters
 * select, grouped by owner or system, with what each environment holds.
 */
export function FleetView(props: {
  fleet: FleetState;
  params: FleetParams;
  update: (change: FleetParamsUpdate) => void;
}) {
  const { fleet, params, update } = props;
  const { q, groupBy } = params;
  const items = fleet.value?.items;
  const rows = useMemo(
    () => (items ?? []).filter(row => matchesText(row, q)),
    [items, q],
  );
  const groups = useMemo(() => groupFleet(rows, groupBy), [rows, groupBy]);

  if (fleet.error) return <ResponseErrorPanel error={fleet.error} />;
  if (!fleet.value) return <Progress />;
  const { environments, readAt } = fleet.value;
  return (
    <>
      {fleet.loading && <Progress />}
      <Box mb={1}>
        <Typography variant="body2" color="textSecondary" role="status">
          {rows.length} {rows.length === 1 ? 'pipeline' : 'pipelines'}
          {rows.length !== fleet.value.items.length
            ? ` of ${fleet.value.items.length}`
            : ''}{' '}
          in {environments.length}{' '}
          {environments.length === 1 ? 'environment' : 'environments'}
        </Typography>
      </Box>
      {rows.length === 0 ? (
        <Typography color="textSecondary">
          No pipeline matches these filters.
        </Typography>
      ) : (
        <FleetTable
          groups={groups}
          environments={environments}
          groupBy={groupBy}
          now={readAt}
          page={params.page}
          onPage={page => update({ page })}
        />
      )}
    </>
  );
}
