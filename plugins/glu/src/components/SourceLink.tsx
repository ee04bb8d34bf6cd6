import { Link } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { describeSource } from './PipelineGraph/source';

/** Where a phase's resource lives: a link to the file or image when there is one. */
export function SourceLink(props: {
  source: { type: string; [option: string]: unknown };
}) {
  const { label, url, detail } = describeSource(props.source);
  return (
    <Tooltip title={detail}>
      <Typography
        variant="body2"
        color="textSecondary"
        component="span"
        style={{ wordBreak: 'break-all' }}
      >
        {props.source.type}: {url ? <Link to={url}>{label}</Link> : label}
      </Typography>
    </Tooltip>
  );
}
