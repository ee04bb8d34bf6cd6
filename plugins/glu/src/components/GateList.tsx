import { GateResult } from '@glu-dev/plugin-glu-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import BlockIcon from '@material-ui/icons/Block';

/** An edge's gates, each passed or not, and why. */
export function GateList(props: { gates: GateResult[] }) {
  return (
    <List dense disablePadding>
      {props.gates.map((gate, i) => (
        <ListItem key={`${gate.type}-${i}`} disableGutters>
          <ListItemIcon style={{ minWidth: 28 }}>
            {gate.passed ? (
              <CheckCircleIcon
                fontSize="small"
                color="primary"
                titleAccess="passed"
              />
            ) : (
              <BlockIcon
                fontSize="small"
                color="error"
                titleAccess="blocking"
              />
            )}
          </ListItemIcon>
          <ListItemText primary={`${gate.type}: ${gate.reason}`} />
        </ListItem>
      ))}
    </List>
  );
}
