import {
  CodeSnippet,
  Content,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { GLU_API_VERSION, PIPELINE_KIND } from '@glu-dev/plugin-glu-common';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { usePipelines } from './usePipelines';

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

/** The Glu tab of a catalog entity. */
export function EntityGluContent() {
  const { entity } = useEntity();
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
      <InfoCard title="Pipelines">
        <List dense>
          {pipelines.map(pipeline => (
            <ListItem key={stringifyEntityRef(pipeline)}>
              <ListItemText
                primary={<EntityRefLink entityRef={pipeline} />}
                secondary={
                  <Typography variant="body2" color="textSecondary">
                    {pipeline.metadata.description ?? ''}
                  </Typography>
                }
              />
            </ListItem>
          ))}
        </List>
      </InfoCard>
    </Content>
  );
}
