import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import useAsync from 'react-use/esm/useAsync';
import { gluApiRef } from '../api';

/**
 * Says plainly that no write scope is configured (`glu.writeScopes`), when
 * the backend says so: every promotion is refused until the platform
 * configures one. Says nothing while the backend has not answered, or if it
 * cannot (the pipelines themselves show that).
 */
export function WriteScopesNotice() {
  const gluApi = useApi(gluApiRef);
  const { value: health } = useAsync(() => gluApi.getHealth(), [gluApi]);
  if (!health || health.writeScopesConfigured) return null;
  return (
    <Box mb={2}>
      <Alert severity="info" data-testid="glu-write-scopes-notice">
        No write scopes are configured (glu.writeScopes): Glu refuses every
        promotion until the platform says where pipelines may write.
      </Alert>
    </Box>
  );
}

/**
 * The definitions of the signed-in user's pipelines that the catalog
 * refused, and why: the catalog keeps no refused entity, so this is where
 * their owners learn why a pipeline does not appear.
 */
export function CatalogRefusalsNotice() {
  const gluApi = useApi(gluApiRef);
  const { value } = useAsync(() => gluApi.listCatalogRefusals(), [gluApi]);
  const refusals = value?.items ?? [];
  if (refusals.length === 0) return null;
  return (
    <Box mb={2}>
      <Alert severity="warning" data-testid="glu-catalog-refusals">
        <AlertTitle>
          The catalog refused{' '}
          {refusals.length === 1
            ? 'the definition of one of your pipelines'
            : `the definitions of ${refusals.length} of your pipelines`}
          ; {refusals.length === 1 ? 'it does' : 'they do'} not appear until
          fixed
        </AlertTitle>
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {refusals.map(refusal => (
            <li key={refusal.pipelineRef}>
              <strong>{refusal.pipelineRef}</strong>
              {refusal.owner && (
                <>
                  {' '}
                  (owned by{' '}
                  <EntityRefLink
                    entityRef={refusal.owner}
                    defaultKind="group"
                  />
                  )
                </>
              )}
              : {refusal.reason}
            </li>
          ))}
        </ul>
      </Alert>
    </Box>
  );
}
