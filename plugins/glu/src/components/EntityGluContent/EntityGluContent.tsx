import {
  CodeSnippet,
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { GLU_API_VERSION, PIPELINE_KIND } from '@glu-dev/plugin-glu-common';
import Grid from '@material-ui/core/Grid';
import { useSearchParams } from 'react-router-dom';
import { PhaseFocusContext } from '../PipelineGraph/phaseFocus';
import { PipelineCard } from '../PipelineCard/PipelineCard';
import { WriteScopesNotice } from '../SetupNotices';
import { isPipeline, usePipelines } from './usePipelines';

function pipelineExample(componentRef: string, owner: string) {
  return `apiVersion: ${GLU_API_VERSION}
kind: ${PIPELINE_KIND}
metadata:
  name: my-service
spec:
  owner: ${owner}
  components: [${componentRef}]
  phases:
    - name: staging
      source:
        type: git
        repository: https://github.com/acme/gitops
        branch: main
        path: env/staging/deployment.yaml
        format: kubernetes
    - name: production
      source:
        type: git
        repository: https://github.com/acme/gitops
        branch: main
        path: env/production/deployment.yaml
        format: kubernetes
      promotion:
        from: staging
        strategy: pull-request
`;
}

/**
 * The Glu tab of a catalog entity; `?phase=<name>` opens it at that phase
 * of its pipeline (the fleet view links there).
 */
export function EntityGluContent() {
  const { entity } = useEntity();
  const [search] = useSearchParams();
  const phase = search.get('phase') ?? undefined;
  const { value: pipelines, loading, error } = usePipelines(entity);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (!pipelines || pipelines.length === 0) {
    const owner = String(
      (entity.spec as { owner?: string })?.owner ?? 'group:default/my-team',
    );
    return (
      <Content>
        <WriteScopesNotice />
        <EmptyState
          missing="data"
          title="No pipeline delivers this component yet"
          description="A Glu pipeline moves versions of this component from one environment to the next through configuration in Git. Add a Pipeline entity to the catalog that lists this component, and its phases appear here."
          action={
            <CodeSnippet
              language="yaml"
              text={pipelineExample(stringifyEntityRef(entity), owner)}
              showCopyCodeButton
            />
          }
        />
      </Content>
    );
  }
  return (
    <Content>
      <WriteScopesNotice />
      <PhaseFocusContext.Provider value={phase}>
        <Grid container spacing={3} direction="column">
          {pipelines.map(pipeline => (
            <Grid item key={stringifyEntityRef(pipeline)}>
              <PipelineCard
                pipelineRef={stringifyEntityRef(pipeline)}
                title={pipeline.metadata.title ?? pipeline.metadata.name}
                description={pipeline.metadata.description}
                linkToEntity={!isPipeline(entity)}
              />
            </Grid>
          ))}
        </Grid>
      </PhaseFocusContext.Provider>
    </Content>
  );
}
