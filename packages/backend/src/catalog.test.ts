/*
 * The example backend's catalog: it learns the example pipeline from the
 * catalog and relates it, and reports a broken Pipeline as a processing
 * error.
 */
import request from 'supertest';
import {
  as,
  backend,
  describeExampleBackend,
  eventually,
  PRODUCTION,
} from './__testUtils__/exampleBackend';

describeExampleBackend(() => {
  it('learns the example pipeline from the catalog and observes both phases', async () => {
    const pipeline = await eventually(async () => {
      const res = await request(backend.server)
        .get('/api/glu/pipelines/default/checkout')
        .set('authorization', as('bob'));
      const observed = res.body.phases?.filter((p: any) => p.state) ?? [];
      // Production's health gate checked for what staging holds.
      const checked = res.body.edges?.[1]?.gates?.[0]?.checkedAt;
      return res.status === 200 && observed.length === 2 && checked
        ? res.body
        : undefined;
    }, 'the example pipeline');
    expect(
      pipeline.phases.map((p: any) => [
        p.name,
        p.source.type,
        p.state?.version,
      ]),
    ).toEqual([
      ['build', 'api', undefined],
      ['staging', 'git', '1.5.0'],
      ['production', 'git', '1.4.0'],
    ]);
    expect(
      pipeline.edges.map((e: any) => [e.from, e.to, e.status, e.reasons]),
    ).toEqual([
      ['build', 'staging', 'blocked', ['build has not been observed yet']],
      ['staging', 'production', 'promotable', []],
    ]);

    // The catalog relates the pipeline to its owner and its component.
    const relations = await eventually(async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/component/default/checkout')
        .set('authorization', as('bob'));
      return res.body.relations?.some((r: any) => r.type === 'deliveredBy')
        ? res.body.relations
        : undefined;
    }, 'the relation from the component to its pipeline');
    expect(relations).toContainEqual({
      type: 'deliveredBy',
      targetRef: 'pipeline:default/checkout',
    });
    const list = await request(backend.server)
      .get(
        `/api/glu/pipelines?component=${encodeURIComponent(
          'component:default/checkout',
        )}`,
      )
      .set('authorization', as('bob'));
    expect(list.body.error).toBeUndefined();
    expect(list.body.items.map((p: any) => [p.ref, p.behind])).toEqual([
      ['pipeline:default/checkout', 1],
    ]);
  });

  it.each([
    [
      'an unknown source type',
      (spec: any) => {
        spec.phases[0].source = { type: 'ftp', url: 'ftp://example.com/x' };
      },
      'spec.phases[0].source.type: unknown source type "ftp" (known: api, git, helm, oci)',
    ],
    [
      'a promotion from a phase that does not exist',
      (spec: any) => {
        spec.phases[1].promotion.from = 'qa';
      },
      'spec.phases[1].promotion.from: there is no phase named "qa"',
    ],
    [
      'a cycle',
      (spec: any) => {
        spec.phases[0].promotion = { from: 'production' };
      },
      'spec.phases: the promotions form a cycle: staging -> production -> staging',
    ],
    [
      'a path that leaves the repository',
      (spec: any) => {
        spec.phases[1].source.path = '../../etc/passwd';
      },
      'spec.phases[1].source.path: "../../etc/passwd" leaves the repository',
    ],
    [
      'a missing owner',
      (spec: any) => {
        delete spec.owner;
      },
      'spec.owner: Invalid input: expected string, received undefined',
    ],
    [
      'a file outside the write scopes of its owner',
      () => {},
      'spec.phases[1].source: env/production/deployment.yaml on main of https://github.com/acme/gitops is outside the write scopes of group:default/team-checkout (glu.writeScopes)',
    ],
  ])(
    'reports %s as a catalog processing error',
    async (_what, breakIt, message) => {
      const spec: any = {
        owner: 'group:default/team-checkout',
        phases: [
          {
            name: 'staging',
            source: {
              type: 'git',
              repository: 'https://github.com/acme/gitops',
              path: 'env/staging/deployment.yaml',
              format: 'kubernetes',
            },
          },
          {
            name: 'production',
            source: {
              type: 'git',
              repository: 'https://github.com/acme/gitops',
              path: PRODUCTION,
              format: 'kubernetes',
            },
            promotion: { from: 'staging' },
          },
        ],
      };
      breakIt(spec);
      const res = await request(backend.server)
        .post('/api/catalog/validate-entity')
        .set('authorization', as('alice'))
        .send({
          location:
            'url:https://github.com/acme/gitops/blob/main/catalog-info.yaml',
          entity: {
            apiVersion: 'glu.dev/v1alpha1',
            kind: 'Pipeline',
            metadata: { name: 'broken' },
            spec,
          },
        });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toContain(
        `Invalid pipeline pipeline:default/broken: ${message}`,
      );
    },
  );
});
