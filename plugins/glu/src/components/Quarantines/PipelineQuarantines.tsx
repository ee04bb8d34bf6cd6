import { useApi } from '@backstage/core-plugin-api';
import { PipelineView, Quarantine } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import BlockIcon from '@material-ui/icons/Block';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gluApiRef } from '../../api';
import {
  ActionPermission,
  useQuarantineEverywherePermission,
} from '../../hooks/useGluPermissions';
import { reasonOf } from '../ActionDialog';
import { Actor } from '../Actor';
import { TimeAgo } from '../TimeAgo';
import { LiftQuarantineDialog } from './LiftQuarantineDialog';
import { phaseLabel, quarantinedLabel, scopeLabel } from './quarantineText';

const listFormat = new Intl.ListFormat('en', { type: 'conjunction' });

/**
 * The quarantines that apply to a pipeline once its view has loaded, and a
 * way to load them again; loaded again by itself when what its phases hold
 * or are marked with changes (a quarantine set or lifted elsewhere shows in
 * the view first).
 */
export function useQuarantines(pipelineRef: string, view?: PipelineView) {
  const gluApi = useApi(gluApiRef);
  // Absent until the view loads: nothing to ask about a pipeline that Glu
  // has not read.
  const key =
    view &&
    JSON.stringify(view.phases.map(p => [p.state?.digest, p.quarantine?.id]));
  // Unlike useAsyncRetry's, a retry while loading is not lost.
  const [attempt, setAttempt] = useState(0);
  const state = useAsync(
    async () =>
      key === undefined
        ? undefined
        : gluApi.listQuarantines({ pipeline: pipelineRef }),
    // The key stands for the phases' versions and marks.
    [gluApi, pipelineRef, key, attempt],
  );
  const retry = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, retry };
}

function QuarantineItem(props: {
  quarantine: Quarantine;
  pipelineRef: string;
  canLift: boolean;
  onLift: (quarantine: Quarantine) => void;
}) {
  const { quarantine, pipelineRef, canLift, onLift } = props;
  const label = quarantinedLabel(quarantine);
  const holders = quarantine.holding.map(at => phaseLabel(at, pipelineRef));
  return (
    <Box
      component="li"
      display="flex"
      alignItems="center"
      style={{ gap: 8 }}
      aria-label={`Quarantine: ${label}`}
    >
      <Box flexGrow={1}>
        <Typography variant="body2">
          <strong>{label}</strong> — {quarantine.reason};{' '}
          {`${scopeLabel(quarantine)}, by `}
          <Actor actor={quarantine.quarantinedBy} />{' '}
          <TimeAgo time={quarantine.quarantinedAt} />.{' '}
          {holders.length
            ? `Still held by ${listFormat.format(holders)}.`
            : 'No phase holds it.'}
          {quarantine.rollback ? ' Its holders were rolled back, pinned.' : ''}
        </Typography>
      </Box>
      {canLift && (
        <Button
          size="small"
          variant="outlined"
          onClick={() => onLift(quarantine)}
          aria-label={`Lift the quarantine of ${label}`}
        >
          Lift
        </Button>
      )}
    </Box>
  );
}

const listStyle = { margin: 0, paddingLeft: 0, listStyle: 'none' };

function QuarantineList(props: {
  quarantines: Quarantine[];
  pipelineRef: string;
  permission: ActionPermission;
  onLift: (quarantine: Quarantine) => void;
}) {
  const { quarantines, pipelineRef, permission, onLift } = props;
  const everywhere = useQuarantineEverywherePermission();
  return (
    <Box mb={1}>
      <Alert
        severity="error"
        icon={<BlockIcon fontSize="inherit" />}
        data-testid="glu-pipeline-quarantines"
      >
        <AlertTitle>
          {quarantines.length === 1
            ? 'A quarantined version: nothing promotes it again'
            : `${quarantines.length} quarantined versions: nothing promotes them again`}
        </AlertTitle>
        <ul style={listStyle}>
          {quarantines.map(quarantine => (
            <QuarantineItem
              key={quarantine.id}
              quarantine={quarantine}
              pipelineRef={pipelineRef}
              canLift={
                quarantine.pipelineRef ? permission.allowed : everywhere.allowed
              }
              onLift={onLift}
            />
          ))}
        </ul>
      </Alert>
    </Box>
  );
}

/**
 * The quarantines that apply to a pipeline, in a compact banner: what each
 * holds back, why, who set it and when, where it applies, and the phases
 * that still hold it. Those who may lift one (glu.pipeline.quarantine for a
 * quarantine of this pipeline, glu.quarantine.manage for one of every
 * pipeline) see Lift beside it.
 */
export function PipelineQuarantines(props: {
  pipelineRef: string;
  quarantines?: Quarantine[];
  error?: Error;
  /** Whether the user may quarantine versions of this pipeline. */
  permission: ActionPermission;
  /** Called once a quarantine is lifted. */
  onChanged: () => void;
}) {
  const { quarantines = [], error } = props;
  // Kept here: the dialog stays open with its outcome once the last
  // quarantine is lifted and the list goes.
  const [lifting, setLifting] = useState<Quarantine>();
  return (
    <>
      {error && (
        <Box mb={1}>
          <Alert severity="warning">
            The quarantines could not be listed: {reasonOf(error)}
          </Alert>
        </Box>
      )}
      {!error && quarantines.length > 0 && (
        <QuarantineList
          quarantines={quarantines}
          pipelineRef={props.pipelineRef}
          permission={props.permission}
          onLift={setLifting}
        />
      )}
      {lifting && (
        <LiftQuarantineDialog
          quarantine={lifting}
          onClose={() => setLifting(undefined)}
          onLifted={props.onChanged}
        />
      )}
    </>
  );
}
