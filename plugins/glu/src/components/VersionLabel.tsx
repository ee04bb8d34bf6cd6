import { CopyTextButton } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography, { TypographyProps } from '@material-ui/core/Typography';
import { versionLabel } from './format';

/**
 * A version by its tag or short digest; hovering shows the full digest with
 * a button that copies it.
 */
export function VersionLabel(props: {
  version: { version?: string; digest: string };
  variant?: TypographyProps['variant'];
}) {
  const { version, variant = 'body1' } = props;
  return (
    <Tooltip
      interactive
      title={
        <span style={{ display: 'flex', alignItems: 'center' }}>
          <Typography
            variant="caption"
            component="code"
            style={{ wordBreak: 'break-all' }}
          >
            {version.digest}
          </Typography>
          <CopyTextButton
            text={version.digest}
            tooltipText="Digest copied"
            aria-label="Copy the digest"
          />
        </span>
      }
    >
      <Typography
        variant={variant}
        component="span"
        data-digest={version.digest}
        style={{ fontFamily: 'monospace', fontWeight: 500 }}
      >
        {versionLabel(version)}
      </Typography>
    </Tooltip>
  );
}
