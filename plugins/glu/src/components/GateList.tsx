import { GateResult } from '@glu-dev/plugin-glu-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import BlockIcon from '@material-ui/icons/Block';
import ErrorIcon from '@material-ui/icons/Error';
import { GateMetrics } from './GateMetrics';
import { TimeAgo } from './TimeAgo';

/**
 * An edge's gates, each passed or not, and why; for a gate that observes
 * the running system, when it was last checked, and whether it found the
 * system broken rather than not ready yet; for a gate that measures, its
 * metrics over time.
 */
export function GateList(props: { gates: GateResult[] }) {
  return (
    <List dense disablePadding>
      {props.gates.map((gate, i) => (
        <ListItem
          key={`${gate.type}-${i}`}
          disableGutters
          alignItems={gate.metrics?.length ? 'flex-start' : 'center'}
        >
          <ListItemIcon style={{ minWidth: 28 }}>
            {gate.passed && (
              <CheckCircleIcon
                fontSize="small"
                color="primary"
                titleAccess="passed"
              />
            )}
            {!gate.passed && gate.failed && (
              <ErrorIcon fontSize="small" color="error" titleAccess="failed" />
            )}
            {!gate.passed && !gate.failed && (
              <BlockIcon
                fontSize="small"
                color="error"
                titleAccess="blocking"
              />
            )}
          </ListItemIcon>
          <div style={{ flex: '1 1 auto', minWidth: 0 }}>
            <ListItemText
              // Backstage's theme cuts dense list items to one line: a
              // gate's reason is read in full.
              style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}
              primary={`${gate.type}: ${gate.reason}`}
              secondary={
                gate.checkedAt ? (
                  <>
                    checked <TimeAgo time={gate.checkedAt} />
                  </>
                ) : undefined
              }
            />
            <GateMetrics type={gate.type} metrics={gate.metrics} />
          </div>
        </ListItem>
      ))}
    </List>
  );
}
