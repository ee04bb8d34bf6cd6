import { EnvironmentLag } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { durationLabel } from './doraText';

/** One pair of environments: `staging → production  median 2h  p90 1d  (12 changes)`. */
export function lagLabel(lag: EnvironmentLag): string {
  return `${lag.from} → ${lag.to}  median ${durationLabel(
    lag.median,
  )}  p90 ${durationLabel(lag.p90)}  (${lag.changes} ${
    lag.changes === 1 ? 'change' : 'changes'
  })`;
}

/**
 * How long versions waited between environments over the period: from the
 * time the upstream environment held a version to the time the next did.
 */
export function EnvironmentLagList(props: { lag: EnvironmentLag[] }) {
  const { lag } = props;
  const titleId = 'glu-dora-environment-lag';
  return (
    <Box mt={2} role="region" aria-labelledby={titleId}>
      <Typography variant="overline" color="textSecondary" id={titleId}>
        Time between environments
      </Typography>
      {lag.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No version went from one environment to the next in the period.
        </Typography>
      ) : (
        <List dense disablePadding>
          {lag.map(item => (
            <ListItem
              key={`${item.from}→${item.to}`}
              disableGutters
              data-testid="glu-environment-lag"
            >
              <Typography variant="body2" style={{ whiteSpace: 'pre' }}>
                {lagLabel(item)}
              </Typography>
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}
