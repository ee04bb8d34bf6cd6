import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { FleetParams, FleetParamsUpdate } from './fleetParams';
import { FleetGroupBy } from './fleetText';

/** The refs of the catalog's entities of a kind, sorted. */
function useEntityRefs(kind: string) {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    });
    return items.map(e => stringifyEntityRef(e)).sort();
  }, [catalogApi, kind]);
}

function RefPicker(props: {
  kind: string;
  label: string;
  placeholder: string;
  value?: string;
  disabled?: boolean;
  onChange: (value: string | undefined) => void;
}) {
  const refs = useEntityRefs(props.kind);
  return (
    <Autocomplete
      style={{ width: 280 }}
      options={refs.value ?? []}
      loading={refs.loading}
      value={props.value ?? null}
      disabled={props.disabled}
      onChange={(_, value) => props.onChange(value ?? undefined)}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          variant="outlined"
          size="small"
          placeholder={props.placeholder}
        />
      )}
    />
  );
}

/**
 * The filters of the fleet and compare views: owner (or "owned by me"),
 * system, a text on the pipelines' names and titles, and, for the fleet,
 * how to group it.
 */
export function FleetFilters(props: {
  params: FleetParams;
  update: (change: FleetParamsUpdate) => void;
  /** Shows the "Group by" select. */
  grouping?: boolean;
  children?: ReactNode;
}) {
  const { params, update, grouping } = props;
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      mb={2}
      style={{ gap: 16 }}
    >
      <RefPicker
        kind="Group"
        label="Owner"
        placeholder="any owner"
        value={params.owner}
        disabled={params.mine}
        onChange={owner => update({ owner })}
      />
      <FormControlLabel
        control={
          <Switch
            checked={params.mine}
            onChange={e => update({ mine: e.target.checked, owner: undefined })}
            color="primary"
          />
        }
        label="Owned by me"
      />
      <RefPicker
        kind="System"
        label="System"
        placeholder="any system"
        value={params.system}
        onChange={system => update({ system })}
      />
      <TextField
        id="glu-fleet-filter"
        label="Filter pipelines"
        variant="outlined"
        size="small"
        value={params.q}
        onChange={e => update({ q: e.target.value })}
        placeholder="name or title"
      />
      {grouping && (
        <FormControl variant="outlined" size="small" style={{ minWidth: 140 }}>
          <InputLabel id="glu-fleet-group-by">Group by</InputLabel>
          <Select
            labelId="glu-fleet-group-by"
            label="Group by"
            value={params.groupBy}
            onChange={e => update({ groupBy: e.target.value as FleetGroupBy })}
          >
            <MenuItem value="owner">Owner</MenuItem>
            <MenuItem value="system">System</MenuItem>
          </Select>
        </FormControl>
      )}
      <Box flexGrow={1} />
      {props.children}
    </Box>
  );
}
