import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { FleetCompare } from '../Fleet/FleetCompare';
import { FleetFilters } from '../Fleet/FleetFilters';
import { PipelinesView, useFleetParams } from '../Fleet/fleetParams';
import { FleetView } from '../Fleet/FleetView';
import { useFleet } from '../Fleet/useFleet';
import { GluPipelinesContent } from './GluPipelinesContent';

const labels: Record<PipelinesView, string> = {
  pipelines: 'Pipelines',
  fleet: 'Fleet',
  compare: 'Compare',
};

/**
 * The pipelines page's views: the list of pipelines, the fleet (what each
 * environment holds, pipeline by pipeline) and the comparison of two
 * environments; the view and its filters are in the URL (`?view=fleet`).
 */
export function GluPipelinesViews() {
  const [params, update] = useFleetParams();
  const { view } = params;
  const fleet = useFleet(params, view !== 'pipelines');
  return (
    <>
      <Box mb={2}>
        <Tabs
          value={view}
          onChange={(_, value: PipelinesView) => update({ view: value })}
          indicatorColor="primary"
          textColor="primary"
          aria-label="Views of the pipelines"
        >
          {(Object.keys(labels) as PipelinesView[]).map(key => (
            <Tab
              key={key}
              value={key}
              label={labels[key]}
              id={`glu-view-${key}`}
              aria-controls={`glu-view-${key}-panel`}
            />
          ))}
        </Tabs>
      </Box>
      <div
        role="tabpanel"
        id={`glu-view-${view}-panel`}
        aria-labelledby={`glu-view-${view}`}
      >
        {view === 'pipelines' && <GluPipelinesContent />}
        {view !== 'pipelines' && (
          <FleetFilters
            params={params}
            update={update}
            grouping={view === 'fleet'}
          />
        )}
        {view === 'fleet' && (
          <FleetView fleet={fleet} params={params} update={update} />
        )}
        {view === 'compare' && (
          <FleetCompare fleet={fleet} params={params} update={update} />
        )}
      </div>
    </>
  );
}
