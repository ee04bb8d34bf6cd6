import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';

/**
 * The pipeline the action tests act on: `checkout`, staging promoted into
 * production (the edge's `promotion`, by default from staging alone), each
 * a version in a YAML file of `repository`.
 */
export function checkoutPipeline(
  repository: string,
  promotion: object = { from: 'staging' },
): Entity {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      owner: 'group:default/team-checkout',
      phases: ['staging', 'production'].map((name, i) => ({
        name,
        source: {
          type: 'git',
          repository,
          path: `env/${name}.yaml`,
          format: { type: 'yaml-path', key: 'version' },
        },
        ...(i === 1 ? { promotion } : {}),
      })),
    },
  };
}

/** Invokes Glu's actions through the actions registry's HTTP API, as a user. */
export function actionsOf(server: any) {
  return {
    invoke: async (user: string, action: string, input: object) => {
      const res = await request(server)
        .post(`/api/glu/.backstage/actions/v1/actions/glu:${action}/invoke`)
        .set('authorization', mockCredentials.user.header(user))
        .send(input);
      return { status: res.status, body: res.body };
    },
    /** The registered actions, as a user sees them. */
    list: async (user: string): Promise<any[]> =>
      (
        await request(server)
          .get('/api/glu/.backstage/actions/v1/actions')
          .set('authorization', mockCredentials.user.header(user))
      ).body.actions,
  };
}
