import { PipelineFreeze } from '@glu-dev/plugin-glu-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { ActionPermission } from '../../hooks/useGluPermissions';
import { Actor } from '../Actor';
import { periodLabel, phasesLabel } from './freezeText';

function hotfixSentence(hotfix: ActionPermission): string {
  if (hotfix.allowed) {
    return 'You may promote through it as a hotfix, with a reason: use Hotfix through the freeze on the blocked edge.';
  }
  return 'Only those granted glu.pipeline.hotfix may promote through it, as a hotfix with a reason.';
}

/**
 * The freezes that hold promotions into phases of a pipeline now, one banner
 * each: what they hold, why, who set them and until when, whether rollbacks
 * are held too, and whether the user may promote through them (a hotfix).
 */
export function PipelineFreezes(props: {
  freezes?: PipelineFreeze[];
  hotfix: ActionPermission;
}) {
  const { freezes = [], hotfix } = props;
  if (freezes.length === 0) return null;
  return (
    <Box mb={1} data-testid="glu-pipeline-freezes">
      {freezes.map(freeze => (
        <Box key={freeze.id} mb={1}>
          <Alert severity="warning" role="status" aria-label="Freeze">
            <AlertTitle>
              Promotions into {phasesLabel(freeze.phases)} are frozen:{' '}
              {freeze.reason}
            </AlertTitle>
            Set by <Actor actor={freeze.setBy} /> {periodLabel(freeze)}.{' '}
            {freeze.rollbacks
              ? 'Rollbacks are frozen too.'
              : 'Rollbacks are still allowed.'}{' '}
            {hotfix.loading ? '' : hotfixSentence(hotfix)}
          </Alert>
        </Box>
      ))}
    </Box>
  );
}
