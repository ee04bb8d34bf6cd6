import { useApi } from '@backstage/core-plugin-api';
import { Freeze, FreezeScope } from '@glu-dev/plugin-glu-common';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback, useId, useState } from 'react';
import { gluApiRef } from '../../api';
import { ActionDialog } from '../ActionDialog';
import { absoluteTime } from '../format';
import { parseList, scopeLabel } from './freezeText';

const SCOPE_FIELDS = [
  {
    key: 'owners',
    label: 'Owners',
    placeholder: 'group:default/team-checkout',
    help: 'Pipelines these owners own (entity refs)',
  },
  {
    key: 'pipelines',
    label: 'Pipelines',
    placeholder: 'pipeline:default/checkout',
    help: 'These pipelines (entity refs)',
  },
  {
    key: 'phases',
    label: 'Phases',
    placeholder: 'production',
    help: 'Only the phases of these names',
  },
  {
    key: 'namespaces',
    label: 'Namespaces',
    placeholder: 'default',
    help: 'Pipelines in these catalog namespaces',
  },
] as const;

type ScopeKey = (typeof SCOPE_FIELDS)[number]['key'];

function scopeOf(texts: Record<ScopeKey, string>): FreezeScope {
  const scope: FreezeScope = {};
  for (const { key } of SCOPE_FIELDS) {
    const items = parseList(texts[key]);
    if (items.length) scope[key] = items;
  }
  return scope;
}

/** The end time as typed (local time), or why it cannot be one. */
function parseEnd(text: string): { endsAt?: string; error?: string } {
  if (!text) return {};
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return { error: 'Not a date and time' };
  if (date.getTime() <= Date.now()) return { error: 'The end is in the past' };
  return { endsAt: date.toISOString() };
}

function FreezeSet(props: { freeze: Freeze }) {
  const { freeze } = props;
  return (
    <Alert severity="success">
      Freeze {freeze.id} is set:{' '}
      {freeze.active
        ? 'it holds promotions now'
        : `it holds promotions from ${absoluteTime(freeze.startsAt)}`}
      {freeze.endsAt ? ` until ${absoluteTime(freeze.endsAt)}` : ''}.
    </Alert>
  );
}

/**
 * Sets a freeze: a reason, what it covers (owners, pipelines, phases,
 * namespaces, each a comma-separated list; none covers everything), when it
 * ends by itself, and whether it holds rollbacks too.
 */
export function FreezeDialog(props: {
  onClose: () => void;
  /** Called once the freeze is set, to list it. */
  onSet: () => void;
}) {
  const { onClose, onSet } = props;
  const gluApi = useApi(gluApiRef);
  const [reason, setReason] = useState('');
  const [texts, setTexts] = useState<Record<ScopeKey, string>>({
    owners: '',
    pipelines: '',
    phases: '',
    namespaces: '',
  });
  const [end, setEnd] = useState('');
  const [rollbacks, setRollbacks] = useState(false);
  const id = useId();

  const scope = scopeOf(texts);
  const { endsAt, error: endError } = parseEnd(end);
  const confirm = useCallback(async () => {
    const freeze = await gluApi.setFreeze({
      reason: reason.trim(),
      scope: scopeOf(texts),
      ...(endsAt ? { endsAt } : {}),
      rollbacks,
    });
    onSet();
    return <FreezeSet freeze={freeze} />;
  }, [gluApi, reason, texts, endsAt, rollbacks, onSet]);

  return (
    <ActionDialog
      title="Freeze promotions"
      confirmLabel="Freeze"
      errorTitle="The freeze could not be set"
      canConfirm={reason.trim().length > 0 && !endError}
      onConfirm={confirm}
      onClose={onClose}
    >
      <Typography variant="body2" color="textSecondary" paragraph>
        Until it is lifted or ends, promotions into the phases it covers are
        blocked, automatic ones wait, and only a hotfix (by those granted
        glu.pipeline.hotfix, with a reason) goes through.
      </Typography>
      <TextField
        id={`${id}-reason`}
        label="Reason"
        required
        fullWidth
        margin="dense"
        variant="outlined"
        value={reason}
        inputProps={{ maxLength: 1000 }}
        onChange={e => setReason(e.target.value)}
      />
      {SCOPE_FIELDS.map(field => (
        <TextField
          key={field.key}
          id={`${id}-${field.key}`}
          label={field.label}
          fullWidth
          margin="dense"
          variant="outlined"
          placeholder={field.placeholder}
          helperText={`${field.help}, separated by commas`}
          value={texts[field.key]}
          onChange={e => setTexts(t => ({ ...t, [field.key]: e.target.value }))}
        />
      ))}
      <TextField
        id={`${id}-ends`}
        label="Ends"
        type="datetime-local"
        fullWidth
        margin="dense"
        variant="outlined"
        InputLabelProps={{ shrink: true }}
        value={end}
        error={Boolean(endError)}
        helperText={endError ?? 'Empty: until someone lifts it'}
        onChange={e => setEnd(e.target.value)}
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={rollbacks}
            onChange={e => setRollbacks(e.target.checked)}
            color="primary"
          />
        }
        label="Freeze rollbacks too"
      />
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="freeze-scope"
      >
        Covers {scopeLabel(scope)}.
      </Typography>
    </ActionDialog>
  );
}
