import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gluApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { fleetOptions, FleetFilter } from './fleetData';
import { fleetSearch } from './fleetParams';
import { FleetTable } from './FleetTable';
import { FleetGroupBy, groupFleet } from './fleetText';

/** How many pipelines the fleet card shows at most. */
export const FLEET_CARD_SIZE = 25;

/**
 * The fleet of a group (the pipelines it owns) or of a system (the
 * pipelines that are part of it), compact, with a link to the full fleet
 * view filtered the same way when the page is known.
 */
export function FleetCard(props: {
  filter: FleetFilter;
  /** Where the pipelines page is. */
  pagePath?: string;
}) {
  const { filter, pagePath } = props;
  const gluApi = useApi(gluApiRef);
  const { owner, system } = filter;
  const fleet = useAsync(async () => {
    const page = await gluApi.getFleet({
      ...fleetOptions({ owner, system }),
      limit: FLEET_CARD_SIZE,
    });
    return { ...page, readAt: Date.now() };
  }, [gluApi, owner, system]);
  // A group's pipelines by system, a system's by owner.
  const groupBy: FleetGroupBy = owner ? 'system' : 'owner';
  const groups = useMemo(
    () => groupFleet(fleet.value?.items ?? [], groupBy),
    [fleet.value, groupBy],
  );
  const link = pagePath
    ? {
        title: fleet.value?.nextCursor
          ? 'See the whole fleet'
          : 'Open in the fleet view',
        link: `${pagePath}?${fleetSearch({
          view: 'fleet',
          owner,
          system,
          groupBy,
        })}`,
      }
    : undefined;

  let content;
  if (fleet.loading) content = <Progress />;
  else if (fleet.error) content = <ResponseErrorPanel error={fleet.error} />;
  else if (!fleet.value?.items.length) {
    content = (
      <Typography color="textSecondary">
        {owner ? 'It owns no pipeline.' : 'No pipeline is part of it.'}
      </Typography>
    );
  } else {
    content = (
      <>
        <FleetTable
          groups={groups}
          environments={fleet.value.environments}
          groupBy={groupBy}
          now={fleet.value.readAt}
          page={0}
          pageSize={FLEET_CARD_SIZE}
          compact
        />
        {fleet.value.nextCursor && (
          <Typography variant="caption" color="textSecondary">
            The first {fleet.value.items.length} pipelines.
          </Typography>
        )}
      </>
    );
  }
  return (
    <InfoCard
      title="Fleet"
      subheader="What each environment holds, pipeline by pipeline"
      deepLink={link}
      noPadding={Boolean(fleet.value?.items.length)}
    >
      <div data-testid="glu-fleet-card">{content}</div>
    </InfoCard>
  );
}

/**
 * The fleet card of the entity on the page: a group's pipelines, or a
 * system's.
 */
export function EntityFleetCard(props: { pagePath?: string }) {
  const { entity } = useEntity();
  const ref = stringifyEntityRef(entity);
  const filter = useMemo(
    () =>
      entity.kind.toLocaleLowerCase('en-US') === 'system'
        ? { system: ref }
        : { owner: ref },
    [entity.kind, ref],
  );
  return <FleetCard filter={filter} pagePath={props.pagePath} />;
}

/** Where the pipelines page is in a legacy app; undefined where it is not mounted. */
function useLegacyPagePath(): string | undefined {
  try {
    // The hook throws when no route leads to the page.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    return useRouteRef(rootRouteRef)();
  } catch {
    return undefined;
  }
}

/** {@link EntityFleetCard} in an app on the legacy frontend system. */
export function LegacyEntityFleetCard() {
  return <EntityFleetCard pagePath={useLegacyPagePath()} />;
}
