import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  FleetDiffItem,
  FleetPromotionResult,
} from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { useCallback, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gluApiRef } from '../../api';
import { FleetCompareTable } from './FleetCompareTable';
import { fetchFleetDiff } from './fleetData';
import { FleetParams, FleetParamsUpdate } from './fleetParams';
import { defaultComparison, matchesText } from './fleetText';
import { PromoteFleetDialog, PromotionSummary } from './PromoteFleetDialog';
import { FleetState } from './useFleet';

function EnvironmentSelect(props: {
  id: string;
  label: string;
  value: string;
  environments: string[];
  onChange: (value: string) => void;
}) {
  const labelId = `glu-fleet-compare-${props.id}`;
  return (
    <FormControl variant="outlined" size="small" style={{ minWidth: 160 }}>
      <InputLabel id={labelId}>{props.label}</InputLabel>
      <Select
        labelId={labelId}
        label={props.label}
        value={props.environments.includes(props.value) ? props.value : ''}
        onChange={e => props.onChange(String(e.target.value))}
      >
        {props.environments.map(environment => (
          <MenuItem key={environment} value={environment}>
            {environment}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** The pipelines promoted last, with what came of each. */
type Promoted = { results: FleetPromotionResult[]; items: FleetDiffItem[] };

/**
 * The compare view of the pipelines page: the pipelines whose `to`
 * environment does not hold what their `from` environment holds, how far
 * behind, and the promotion of those selected, all at once.
 */
export function FleetCompare(props: {
  fleet: FleetState;
  params: FleetParams;
  update: (change: FleetParamsUpdate) => void;
}) {
  const { fleet, params, update } = props;
  const gluApi = useApi(gluApiRef);
  const environments = useMemo(
    () => fleet.value?.environments ?? [],
    [fleet.value],
  );
  const fallback = defaultComparison(environments);
  const from = params.from ?? fallback?.from;
  const to = params.to ?? fallback?.to;
  const { owner, mine, system } = params;
  const comparable = Boolean(from && to && from !== to);

  const diff = useAsyncRetry(async () => {
    if (!from || !to || from === to) return undefined;
    const items = await fetchFleetDiff(
      gluApi,
      { from, to },
      { owner, mine, system },
    );
    return { items, readAt: Date.now() };
  }, [gluApi, from, to, owner, mine, system]);

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // The pipelines being promoted, as they were when asked.
  const [confirming, setConfirming] = useState<FleetDiffItem[]>();
  const [promoted, setPromoted] = useState<Promoted>();
  const [page, setPage] = useState(0);

  // A change of environments or filters starts a new selection.
  const key = JSON.stringify([from, to, owner, mine, system]);
  const [selectionKey, setSelectionKey] = useState(key);
  if (selectionKey !== key) {
    setSelectionKey(key);
    setSelected(new Set());
    setPromoted(undefined);
    setPage(0);
  }

  const results = useMemo(
    () =>
      new Map(
        (promoted?.results ?? []).map(result => [result.pipeline, result]),
      ),
    [promoted],
  );
  // The diff as it is now, and those just promoted that have left it.
  const rows = useMemo(() => {
    const items = diff.value?.items ?? [];
    const present = new Set(items.map(item => item.pipeline.ref));
    // Their cells are as they were; they cannot be picked again.
    const gone = (promoted?.items ?? [])
      .filter(item => !present.has(item.pipeline.ref))
      .map(item => ({
        ...item,
        promotable: false,
        reasons: [`Now holds what ${item.from.environment} held`],
      }));
    return [...items, ...gone].filter(item =>
      matchesText({ ...item.pipeline, cells: [] }, params.q),
    );
  }, [diff.value, promoted, params.q]);
  const chosen = useMemo(
    () =>
      rows.filter(item => item.promotable && selected.has(item.pipeline.ref)),
    [rows, selected],
  );

  const { retry } = diff;
  const { retry: retryFleet } = fleet;
  const onPromoted = useCallback(
    (done: FleetPromotionResult[]) => {
      setPromoted({ results: done, items: confirming ?? [] });
      setSelected(new Set());
      retry();
      retryFleet();
    },
    [confirming, retry, retryFleet],
  );
  const onClose = useCallback(() => setConfirming(undefined), []);

  if (fleet.error) return <ResponseErrorPanel error={fleet.error} />;
  if (!fleet.value) return <Progress />;
  return (
    <>
      <Box display="flex" alignItems="center" mb={2} style={{ gap: 16 }}>
        <EnvironmentSelect
          id="from"
          label="From"
          value={from ?? ''}
          environments={environments}
          onChange={value => update({ from: value, to })}
        />
        <Typography aria-hidden>→</Typography>
        <EnvironmentSelect
          id="to"
          label="To"
          value={to ?? ''}
          environments={environments}
          onChange={value => update({ from, to: value })}
        />
        <Box flexGrow={1} />
        <Button
          variant="contained"
          color="primary"
          disabled={chosen.length === 0}
          onClick={() => setConfirming(chosen)}
        >
          Promote {chosen.length} selected
        </Button>
      </Box>
      {promoted && (
        <Box mb={2}>
          <PromotionSummary results={promoted.results} />
        </Box>
      )}
      {!comparable && (
        <Typography color="textSecondary">
          Pick two different environments to compare.
        </Typography>
      )}
      {diff.error && <ResponseErrorPanel error={diff.error} />}
      {comparable && diff.loading && <Progress />}
      {comparable && diff.value && (
        <FleetCompareTable
          from={from!}
          to={to!}
          rows={rows}
          results={results}
          selected={selected}
          onSelect={setSelected}
          now={diff.value.readAt}
          page={page}
          onPage={setPage}
        />
      )}
      {confirming && from && to && (
        <PromoteFleetDialog
          from={from}
          to={to}
          items={confirming}
          onPromoted={onPromoted}
          onClose={onClose}
        />
      )}
    </>
  );
}
