import { QuarantineMark } from '@glu-dev/plugin-glu-common';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import BlockIcon from '@material-ui/icons/Block';

const useStyles = makeStyles(theme => ({
  chip: {
    color: theme.palette.error.contrastText,
    backgroundColor: theme.palette.error.main,
  },
  icon: { color: 'inherit' },
}));

/** What a quarantine mark says on hover: why, which quarantine, and who set it. */
export function quarantineTitle(mark: QuarantineMark): string {
  return `Quarantined, never promoted again: ${mark.reason} (quarantine ${mark.id} by ${mark.quarantinedBy})`;
}

/** Marks a version under quarantine; the reason and who set it show on hover. */
export function QuarantineChip(props: { mark: QuarantineMark }) {
  const classes = useStyles();
  return (
    <Tooltip title={quarantineTitle(props.mark)}>
      <Chip
        size="small"
        label="quarantined"
        icon={<BlockIcon className={classes.icon} />}
        className={classes.chip}
        data-testid="quarantine-chip"
      />
    </Tooltip>
  );
}
