import {
  CodeSnippet,
  CopyTextButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import CodeIcon from '@material-ui/icons/Code';
import { GLU_PLUGIN_ID } from '@glu-dev/plugin-glu-common';
import { useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/** The command line's package, which `npx` finds only once it is published. */
const CLI_PACKAGE = '@glu-dev/glu-cli';

/**
 * The lines to paste, with the copy button in a column of its own: laid
 * over the snippet (as CodeSnippet lays it), it hides the end of the token.
 */
function Commands(props: { lines: string[] }) {
  const text = props.lines.join('\n');
  return (
    <Box display="flex" alignItems="flex-start" gridGap={8}>
      <Box flex={1} minWidth={0} data-testid="terminal-commands">
        <CodeSnippet language="shell" wrapLongLines text={text} />
      </Box>
      <CopyTextButton text={text} aria-label="Copy these lines" />
    </Box>
  );
}

/**
 * What a person needs to use the glu command line as themselves: where the
 * backend is and their own Backstage token, ready to paste.
 */
function UseFromTerminalDialog(props: { onClose: () => void }) {
  const identityApi = useApi(identityApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const titleId = useId();
  const access = useAsync(async () => {
    const [{ token }, baseUrl] = await Promise.all([
      identityApi.getCredentials(),
      discoveryApi.getBaseUrl(GLU_PLUGIN_ID),
    ]);
    return { token, url: baseUrl.replace(/\/api\/glu\/?$/, '') };
  }, [identityApi, discoveryApi]);
  return (
    <Dialog
      open
      aria-labelledby={titleId}
      onClose={props.onClose}
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id={titleId}>Use Glu from a terminal</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2" paragraph>
          The <code>glu</code> command line reads and steers pipelines through
          the same API as this page, with your permissions. This is your
          Backstage token: it lasts as long as your session token (about an
          hour), and whoever holds it acts as you, so keep it to yourself. CI
          uses a static service token instead.
        </Typography>
        {access.loading && <Progress />}
        {access.error && <ResponseErrorPanel error={access.error} />}
        {access.value &&
          (access.value.token ? (
            <>
              <Commands
                lines={[
                  `export GLU_URL=${access.value.url}`,
                  `export GLU_TOKEN=${access.value.token}`,
                  `npx ${CLI_PACKAGE} pipelines --mine`,
                ]}
              />
              <Typography variant="body2" color="textSecondary">
                <code>npx</code> runs {CLI_PACKAGE} once it is published to npm;
                until then, run the last line from a checkout of Glu for
                Backstage instead: <code>yarn glu pipelines --mine</code>.
              </Typography>
            </>
          ) : (
            <Typography color="textSecondary">
              You are signed in without a Backstage token, so the command line
              cannot act as you.
            </Typography>
          ))}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

/** A button that shows how to use the glu command line as oneself. */
export function UseFromTerminal() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="outlined"
        size="small"
        startIcon={<CodeIcon />}
        onClick={() => setOpen(true)}
      >
        Use from a terminal
      </Button>
      {open && <UseFromTerminalDialog onClose={() => setOpen(false)} />}
    </>
  );
}
