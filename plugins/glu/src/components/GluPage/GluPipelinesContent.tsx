import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { DoraCard } from '../DoraCard';
import { UseFromTerminal } from '../UseFromTerminal';
import { CatalogRefusalsNotice, WriteScopesNotice } from '../SetupNotices';
import {
  catalogApiRef,
  EntityRefLink,
  EntityRefLinks,
} from '@backstage/plugin-catalog-react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  GLU_SIGNAL_CHANNEL,
  GluPipelineSignal,
  PipelineSummary,
} from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gluApiRef } from '../../api';
import { useFreezePermission } from '../../hooks/useGluPermissions';
import { signalNames } from '../../hooks/usePipelineView';
import {
  FreezeButton,
  FreezesBanner,
  useFreezes,
} from '../Freezes/PipelinesFreezes';
import { sameEntityRef, shortDigest } from '../format';
import { fetchPipelinesPage, ListPosition } from './pipelinePages';

/** How many pipelines a page of the list shows. */
export const PIPELINES_PAGE_SIZE = 20;

const FIRST_PAGE: ListPosition = {};

function PhaseVersions(props: { pipeline: PipelineSummary }) {
  return (
    <Box display="flex" alignItems="center" flexWrap="nowrap">
      {props.pipeline.phases.map((phase, i) => (
        <Box key={phase.name} display="flex" alignItems="center">
          {i > 0 && <ChevronRightIcon fontSize="small" color="disabled" />}
          <Tooltip
            title={
              phase.refreshError
                ? `Fails to refresh: ${phase.refreshError}`
                : phase.digest ?? 'not observed yet'
            }
          >
            <Chip
              size="small"
              variant="outlined"
              color={phase.refreshError ? 'secondary' : 'default'}
              {...(phase.refreshError
                ? {
                    icon: <ErrorOutlineIcon />,
                    'aria-label': `${phase.name} fails to refresh: ${phase.refreshError}`,
                  }
                : {})}
              label={`${phase.name} ${
                phase.version ||
                (phase.digest ? shortDigest(phase.digest) : '—')
              }`}
            />
          </Tooltip>
        </Box>
      ))}
    </Box>
  );
}

const columns: TableColumn<PipelineSummary>[] = [
  {
    title: 'Pipeline',
    field: 'name',
    render: p => <EntityRefLink entityRef={p.ref} title={p.title ?? p.name} />,
  },
  {
    title: 'Owner',
    field: 'owner',
    render: p => <EntityRefLink entityRef={p.owner} defaultKind="group" />,
  },
  {
    title: 'Delivers',
    field: 'components',
    render: p => (
      <EntityRefLinks entityRefs={p.components} defaultKind="component" />
    ),
  },
  {
    title: 'Versions',
    field: 'phases',
    render: p => <PhaseVersions pipeline={p} />,
  },
  {
    title: 'Behind',
    field: 'behind',
    render: p => {
      const failing = p.phases.filter(phase => phase.refreshError);
      return (
        <>
          {p.behind > 0 ? (
            <StatusWarning>
              {p.behind} {p.behind === 1 ? 'phase' : 'phases'} behind
            </StatusWarning>
          ) : (
            <StatusOK>up to date</StatusOK>
          )}
          {failing.length > 0 && (
            <Box>
              <StatusError>
                {failing.map(phase => phase.name).join(', ')}{' '}
                {failing.length === 1 ? 'fails' : 'fail'} to refresh
              </StatusError>
            </Box>
          )}
        </>
      );
    },
  },
];

/**
 * Every pipeline, a page at a time, filterable by owner and to those that
 * the signed-in user owns; each with its phases' versions in one row and how
 * many phases have a version waiting.
 */
export function GluPipelinesContent() {
  const gluApi = useApi(gluApiRef);
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  const [mine, setMine] = useState(false);
  const [owner, setOwner] = useState<string | null>(null);
  const freezes = useFreezes();
  const freezePermission = useFreezePermission();

  const groups = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    });
    return items.map(e => stringifyEntityRef(e)).sort();
  }, [catalogApi]);

  const ownership = useAsync(async () => {
    const identity = await identityApi.getBackstageIdentity();
    return identity.ownershipEntityRefs;
  }, [identityApi]);

  const owners = useMemo(() => {
    if (!mine) return owner ? [owner] : undefined;
    const refs = ownership.value ?? [];
    if (!owner) return refs;
    return refs.some(r => sameEntityRef(r, owner)) ? [owner] : [];
  }, [mine, owner, ownership.value]);

  // The start of each page seen so far, for the filter they were seen with:
  // a new filter starts from the first page.
  const filterKey = JSON.stringify(owners ?? null);
  const [paging, setPaging] = useState({
    filterKey,
    positions: [FIRST_PAGE],
  });
  const positions =
    paging.filterKey === filterKey ? paging.positions : [FIRST_PAGE];
  const position = positions[positions.length - 1];
  // "Owned by me" waits for the user's ownership; the whole list does not.
  const waiting = mine && ownership.loading;
  const page = useAsyncRetry(
    async () =>
      waiting
        ? undefined
        : fetchPipelinesPage(gluApi, owners, position, PIPELINES_PAGE_SIZE),
    // The filter key stands for the owners.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [gluApi, filterKey, position, waiting],
  );

  // Keep the versions fresh when a listed pipeline changes.
  const { lastSignal } = useSignal<GluPipelineSignal>(GLU_SIGNAL_CHANNEL);
  const { retry } = page;
  useEffect(() => {
    if (page.value?.items.some(p => signalNames(lastSignal, p.ref))) {
      retry();
    }
    // Only a new signal should reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lastSignal]);

  const error = page.error ?? ownership.error;
  return (
    <>
      <WriteScopesNotice />
      <CatalogRefusalsNotice />
      <FreezesBanner
        freezes={freezes.value}
        error={freezes.error}
        canManage={freezePermission.allowed}
        onChanged={freezes.retry}
      />
      <Box display="flex" alignItems="center" mb={2} style={{ gap: 16 }}>
        <Autocomplete
          style={{ width: 320 }}
          options={groups.value ?? []}
          loading={groups.loading}
          value={owner}
          onChange={(_, value) => setOwner(value)}
          renderInput={params => (
            <TextField
              {...params}
              label="Owner"
              variant="outlined"
              size="small"
              placeholder="any owner"
            />
          )}
        />
        <FormControlLabel
          control={
            <Switch
              checked={mine}
              onChange={e => setMine(e.target.checked)}
              color="primary"
            />
          }
          label="Owned by me"
        />
        <Box flexGrow={1} />
        {freezePermission.allowed && <FreezeButton onSet={freezes.retry} />}
        <UseFromTerminal />
      </Box>
      {error && <ResponseErrorPanel error={error} />}
      {owners?.length && !waiting ? (
        <Box mb={2}>
          <DoraCard ownerRef={owners} />
        </Box>
      ) : null}
      <Table<PipelineSummary>
        title="Pipelines"
        isLoading={page.loading}
        columns={columns}
        data={page.value?.items ?? []}
        options={{ paging: false, search: false, padding: 'dense' }}
        emptyContent={
          <Box p={2}>
            <Typography color="textSecondary">
              {mine
                ? 'You own no pipeline.'
                : 'No pipeline here. Pipelines are catalog entities of kind Pipeline.'}
            </Typography>
          </Box>
        }
      />
      <Box display="flex" justifyContent="flex-end" alignItems="center" mt={1}>
        <Typography variant="body2" color="textSecondary">
          Page {positions.length}
        </Typography>
        <Button
          disabled={positions.length === 1 || page.loading}
          onClick={() =>
            setPaging({ filterKey, positions: positions.slice(0, -1) })
          }
        >
          Previous
        </Button>
        <Button
          disabled={!page.value?.next || page.loading}
          onClick={() => {
            const next = page.value?.next;
            if (next) setPaging({ filterKey, positions: [...positions, next] });
          }}
        >
          Next
        </Button>
      </Box>
    </>
  );
}
