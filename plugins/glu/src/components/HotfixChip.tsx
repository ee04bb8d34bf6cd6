import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';

/** Marks what went through a freeze; the reason given shows on hover. */
export function HotfixChip(props: { reason: string }) {
  return (
    <Tooltip title={`Hotfix through a freeze: ${props.reason}`}>
      <Chip
        size="small"
        color="secondary"
        variant="outlined"
        label="hotfix"
        data-testid="hotfix-chip"
      />
    </Tooltip>
  );
}
