import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ReactNode, useId } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';

/**
 * Why a write failed, in the server's words: a ResponseError's message is
 * only "Request failed with 409 Conflict"; the reason (the remote's answer,
 * the gate, the pin) is in the error it carries.
 */
export function reasonOf(error: Error): string {
  const cause = (error as { cause?: { message?: unknown } }).cause;
  return error.name === 'ResponseError' &&
    typeof cause?.message === 'string' &&
    cause.message
    ? cause.message
    : error.message;
}

/** A failure with its reason in plain sight, not folded away. */
export function FailureAlert(props: { title: string; error: Error }) {
  return (
    <Alert severity="error">
      <AlertTitle>{props.title}</AlertTitle>
      {reasonOf(props.error)}
    </Alert>
  );
}

/**
 * A dialog that confirms one write: it runs it, then shows what came of it
 * (what `onConfirm` returns) or the reason it failed, as the server gave
 * it, in plain sight.
 */
export function ActionDialog(props: {
  title: ReactNode;
  confirmLabel: string;
  /** False while the form is incomplete. */
  canConfirm?: boolean;
  /** Does the write; what it returns is shown as the outcome. */
  onConfirm: () => Promise<ReactNode>;
  onClose: () => void;
  children?: ReactNode;
  maxWidth?: 'sm' | 'md';
  /** The title of the error; `<confirmLabel> failed` by default. */
  errorTitle?: string;
}) {
  const { title, confirmLabel, canConfirm = true, onConfirm, onClose } = props;
  const [state, confirm] = useAsyncFn(onConfirm, [onConfirm]);
  const titleId = useId();
  const done = state.value !== undefined && !state.loading && !state.error;
  return (
    <Dialog
      open
      aria-labelledby={titleId}
      onClose={onClose}
      maxWidth={props.maxWidth ?? 'sm'}
      fullWidth
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers>
        {props.children}
        {state.error && (
          <Box mt={2}>
            <FailureAlert
              title={props.errorTitle ?? `${confirmLabel} failed`}
              error={state.error}
            />
          </Box>
        )}
        {done && <Box mt={2}>{state.value}</Box>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{done ? 'Close' : 'Cancel'}</Button>
        {!done && (
          <Button
            color="primary"
            variant="contained"
            onClick={confirm}
            disabled={!canConfirm || state.loading}
          >
            {confirmLabel}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
