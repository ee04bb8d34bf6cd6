import { EdgeView, PhaseView, PipelineView } from '@glu-dev/plugin-glu-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';

const useStyles = makeStyles(theme => ({
  // The card is narrow: the command wraps rather than run out of it.
  command: {
    display: 'block',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    margin: theme.spacing(0.5, 0),
  },
}));

/**
 * Whether a phase waits for CI to publish its first version: an `api`
 * phase holds nothing until a version is published to it, which is how a
 * new pipeline starts, not a fault.
 */
export function awaitsFirstVersion(phase?: PhaseView): boolean {
  return Boolean(
    phase && phase.source.type === 'api' && !phase.state && !phase.refreshError,
  );
}

/**
 * The reason the edge decision gives for an upstream with no state yet
 * (plugins/glu-backend/src/deciding/decision.ts): for an upstream that
 * awaits its first version it is said as such, not as a fault.
 */
export function notObservedReason(edge: EdgeView): string {
  return `${edge.from} has not been observed yet`;
}

/** How CI publishes the first version of an `api` phase: the CLI, or the API. */
export function FirstVersionHint(props: {
  pipeline: PipelineView;
  phase: PhaseView;
}) {
  const { pipeline, phase } = props;
  const classes = useStyles();
  const name =
    pipeline.namespace === 'default'
      ? pipeline.name
      : `${pipeline.namespace}/${pipeline.name}`;
  const path = `/api/glu/pipelines/${pipeline.namespace}/${pipeline.name}/phases/${phase.name}/versions`;
  return (
    <Alert severity="info" data-testid="first-version">
      <Typography variant="body2">
        No version yet: CI publishes one after each build, and the pipeline
        starts from the first. From CI or a terminal:
      </Typography>
      <code className={classes.command}>
        glu publish {name} {phase.name} --version 1.0.0 --digest sha256:…
      </code>
      <Typography variant="body2">or over HTTP:</Typography>
      <code className={classes.command}>
        POST {path} {'{"version": "1.0.0", "digest": "sha256:…"}'}
      </code>
    </Alert>
  );
}
