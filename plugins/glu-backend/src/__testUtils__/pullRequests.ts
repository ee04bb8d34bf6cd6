/*
 * What the tests of promotion by pull request share, whichever provider
 * opens them: a pipeline of two phases whose production edge promotes by
 * pull request, and the API calls that promote and follow a promotion.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';

export const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18'],
});
export const STAGING = 'env/staging/deployment.yaml';
export const PRODUCTION = 'env/production/deployment.yaml';
export const alice = mockCredentials.user.header('user:default/alice');
export const base = '/api/glu/pipelines/default/checkout';

export function pipeline(
  repository: string,
  edge: Record<string, unknown> = {},
): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      owner: 'group:default/team-checkout',
      phases: [
        {
          name: 'staging',
          source: {
            type: 'git',
            repository,
            path: STAGING,
            format: 'kubernetes',
          },
        },
        {
          name: 'production',
          source: {
            type: 'git',
            repository,
            path: PRODUCTION,
            format: 'kubernetes',
          },
          promotion: {
            from: 'staging',
            strategy: 'pull-request',
            pullRequest: { labels: ['glu', 'production'] },
            ...edge,
          },
        },
      ],
    },
  };
}

export const promote = (server: any) =>
  request(server)
    .post(`${base}/promotions`)
    .set('authorization', alice)
    .send({ phase: 'production' });

export const promotion = async (server: any, id: string) =>
  (
    await request(server)
      .get(`/api/glu/promotions/${id}`)
      .set('authorization', alice)
  ).body;
