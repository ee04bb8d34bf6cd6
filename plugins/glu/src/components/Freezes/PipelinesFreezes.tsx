import { useApi } from '@backstage/core-plugin-api';
import { Freeze } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AcUnitIcon from '@material-ui/icons/AcUnit';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gluApiRef } from '../../api';
import { reasonOf } from '../ActionDialog';
import { Actor } from '../Actor';
import { FreezeDialog } from './FreezeDialog';
import { LiftFreezeDialog } from './LiftFreezeDialog';
import { periodLabel, scopeLabel, splitFreezes } from './freezeText';

/** The longest a timer may wait (setTimeout's limit, about 24 days). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The freezes that hold promotions now or will, and a way to load them
 * again; loaded again by itself when one starts or ends.
 */
export function useFreezes() {
  const gluApi = useApi(gluApiRef);
  const state = useAsyncRetry(() => gluApi.listFreezes(), [gluApi]);
  const { value, retry } = state;
  useEffect(() => {
    const now = Date.now();
    const next = Math.min(
      ...(value ?? [])
        .flatMap(f => [f.startsAt, f.endsAt])
        .map(time => (time ? new Date(time).getTime() : NaN))
        .filter(time => time > now),
    );
    if (!Number.isFinite(next)) return undefined;
    // A second late, so that the backend sees the change too.
    const timer = setTimeout(retry, Math.min(next - now + 1000, MAX_DELAY_MS));
    return () => clearTimeout(timer);
  }, [value, retry]);
  return state;
}

function FreezeItem(props: {
  freeze: Freeze;
  canManage: boolean;
  onLift: (freeze: Freeze) => void;
}) {
  const { freeze, canManage, onLift } = props;
  return (
    <Box
      component="li"
      display="flex"
      alignItems="center"
      style={{ gap: 8 }}
      aria-label={`Freeze: ${freeze.reason}`}
    >
      <Box flexGrow={1}>
        <Typography variant="body2">
          <strong>{freeze.reason}</strong> — {scopeLabel(freeze.scope)}; set by{' '}
          <Actor actor={freeze.setBy} /> {periodLabel(freeze)}.
          {freeze.rollbacks ? ' Rollbacks are frozen too.' : ''}
        </Typography>
        {freeze.origin === 'config' && (
          <Typography variant="caption" color="textSecondary">
            From app-config (glu.freezes), recurring:{' '}
            {freeze.recurrence ?? 'no recurrence given'}; changed there, not
            lifted here.
          </Typography>
        )}
      </Box>
      {canManage && freeze.origin === 'api' && (
        <Button
          size="small"
          variant="outlined"
          onClick={() => onLift(freeze)}
          aria-label={`Lift the freeze: ${freeze.reason}`}
        >
          Lift
        </Button>
      )}
    </Box>
  );
}

const listStyle = { margin: 0, paddingLeft: 0, listStyle: 'none' };

/**
 * The freezes on the pipelines page: those that hold promotions now, in
 * plain sight; those to come, less so. Release managers (glu.freeze.manage)
 * lift those set at run time; those from app-config show their recurrence.
 */
export function FreezesBanner(props: {
  freezes?: Freeze[];
  error?: Error;
  canManage: boolean;
  /** Called once a freeze is lifted. */
  onChanged: () => void;
}) {
  const { freezes = [], error, canManage, onChanged } = props;
  const [lifting, setLifting] = useState<Freeze>();
  const { active, upcoming } = splitFreezes(freezes);
  const lift = (freeze: Freeze) => setLifting(freeze);
  return (
    <>
      {error && (
        <Box mb={2}>
          <Alert severity="warning">
            The freezes could not be listed: {reasonOf(error)}
          </Alert>
        </Box>
      )}
      {active.length > 0 && (
        <Box mb={2}>
          <Alert severity="warning" data-testid="glu-active-freezes">
            <AlertTitle>
              {active.length === 1
                ? 'A freeze holds promotions'
                : `${active.length} freezes hold promotions`}
            </AlertTitle>
            <ul style={listStyle}>
              {active.map(freeze => (
                <FreezeItem
                  key={freeze.id}
                  freeze={freeze}
                  canManage={canManage}
                  onLift={lift}
                />
              ))}
            </ul>
          </Alert>
        </Box>
      )}
      {upcoming.length > 0 && (
        <Box mb={2}>
          <Alert
            severity="info"
            variant="outlined"
            data-testid="glu-upcoming-freezes"
          >
            <AlertTitle>
              {upcoming.length === 1 ? 'A freeze to come' : 'Freezes to come'}
            </AlertTitle>
            <ul style={listStyle}>
              {upcoming.map(freeze => (
                <FreezeItem
                  key={freeze.id}
                  freeze={freeze}
                  canManage={canManage}
                  onLift={lift}
                />
              ))}
            </ul>
          </Alert>
        </Box>
      )}
      {lifting && (
        <LiftFreezeDialog
          freeze={lifting}
          onClose={() => setLifting(undefined)}
          onLifted={onChanged}
        />
      )}
    </>
  );
}

/** The Freeze button of release managers, with its dialog. */
export function FreezeButton(props: { onSet: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="outlined"
        size="small"
        startIcon={<AcUnitIcon />}
        onClick={() => setOpen(true)}
      >
        Freeze
      </Button>
      {open && (
        <FreezeDialog onClose={() => setOpen(false)} onSet={props.onSet} />
      )}
    </>
  );
}
