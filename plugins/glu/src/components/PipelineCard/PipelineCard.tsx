import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useCallback } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { gluApiRef } from '../../api';
import { useGluPermissions } from '../../hooks/useGluPermissions';
import { usePipelineView } from '../../hooks/usePipelineView';
import { ActionButton } from '../ActionButton';
import { hasApprovalsGate } from '../Approvals/approvalControls';
import { PipelineFreezes } from '../Freezes/PipelineFreezes';
import { PipelineGraph } from '../PipelineGraph/PipelineGraph';
import {
  PipelineQuarantines,
  useQuarantines,
} from '../Quarantines/PipelineQuarantines';

const listFormat = new Intl.ListFormat('en', { type: 'disjunction' });

function isNotFound(error: Error): boolean {
  const { response } = error as Error & { response?: { status?: number } };
  return response?.status === 404 || error.name === 'NotFoundError';
}

/**
 * One pipeline in the Glu tab: its graph, kept fresh by signals and polling,
 * with the controls that the signed-in user may use.
 */
export function PipelineCard(props: {
  /** The Pipeline entity's ref. */
  pipelineRef: string;
  /** The title and description from the catalog, shown until the view loads. */
  title: string;
  description?: string;
  /** Links the title to the Pipeline entity (on a component's page). */
  linkToEntity?: boolean;
}) {
  const { pipelineRef, title, description, linkToEntity } = props;
  const gluApi = useApi(gluApiRef);
  const { view, error, loading, reload } = usePipelineView(pipelineRef);
  const permissions = useGluPermissions(pipelineRef, view?.owner);
  const quarantines = useQuarantines(pipelineRef, view);
  const { retry: retryQuarantines } = quarantines;
  // A change made here (a quarantine, a rollback) shows in both at once.
  const onChanged = useCallback(() => {
    reload();
    retryQuarantines();
  }, [reload, retryQuarantines]);
  const [refresh, doRefresh] = useAsyncFn(async () => {
    await gluApi.refreshPipeline(pipelineRef);
    reload();
  }, [gluApi, pipelineRef, reload]);

  const denied = (
    [
      ['promote', permissions.promote],
      ['roll back', permissions.rollback],
      ['pin', permissions.pin],
      ['approve', permissions.approve],
    ] as const
  )
    .filter(([, p]) => !p.allowed && !p.loading)
    .map(([what]) => what);
  // Where an approval policy applies, someone who may not promote may ask.
  const mayRequest =
    permissions.promote.denied &&
    permissions.request.allowed &&
    view?.edges.some(hasApprovalsGate);

  return (
    <InfoCard
      title={
        linkToEntity ? (
          <EntityRefLink entityRef={pipelineRef} title={title} />
        ) : (
          title
        )
      }
      subheader={
        // One child: the card lays its subheader out as a row.
        <div>
          {description && (
            <Typography variant="body2" color="textSecondary">
              {description}
            </Typography>
          )}
          {view && (
            <Typography variant="body2" color="textSecondary">
              Owned by{' '}
              <EntityRefLink entityRef={view.owner} defaultKind="group" />
            </Typography>
          )}
        </div>
      }
      action={
        <ActionButton
          onClick={doRefresh}
          disabledReason={
            refresh.loading ? 'Looking at the sources…' : undefined
          }
        >
          Refresh
        </ActionButton>
      }
    >
      {!view && loading && <Progress />}
      {!view && error && isNotFound(error) && (
        <Alert severity="info">
          Glu has not read this pipeline from the catalog yet; it shows here as
          soon as it has.
        </Alert>
      )}
      {!view && error && !isNotFound(error) && (
        <ResponseErrorPanel error={error} />
      )}
      {view && error && (
        <Box mb={1}>
          <Alert severity="warning">
            Showing the pipeline as it was: reloading it failed ({error.message}
            ).
          </Alert>
        </Box>
      )}
      {refresh.error && (
        <Box mb={1}>
          <ResponseErrorPanel title="Refresh failed" error={refresh.error} />
        </Box>
      )}
      {view && denied.length > 0 && (
        <Box mb={1}>
          <Alert severity="info" data-testid="glu-permission-notice">
            {permissions.signedIn && !permissions.signedIn.owns
              ? `You are signed in as ${permissions.signedIn.userEntityRef}, who is not an owner of ${pipelineRef} (owned by ${view.owner}): `
              : ''}
            You can follow this pipeline but the permission policy does not let
            you {listFormat.format(denied)} in it (it is owned by {view.owner});
            those controls are disabled.
            {mayRequest
              ? ' Where an approval policy applies, you may request a promotion: Glu carries it out once it is approved.'
              : ''}
          </Alert>
        </Box>
      )}
      {view && (
        <PipelineFreezes freezes={view.freezes} hotfix={permissions.hotfix} />
      )}
      {view && (
        <PipelineQuarantines
          pipelineRef={pipelineRef}
          quarantines={quarantines.value}
          error={quarantines.error}
          permission={permissions.quarantine}
          onChanged={onChanged}
        />
      )}
      {view && (
        <PipelineGraph
          pipeline={view}
          permissions={permissions}
          onChanged={onChanged}
        />
      )}
    </InfoCard>
  );
}
