import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PipelineSummary } from '@glu-dev/plugin-glu-common';
import { SyncedPipeline } from '../store/types';
import { AuthorizedGluService } from './AuthorizedGluService';
import { GluService, ListPipelinesQuery } from './GluService';
import { ServiceGrants } from './ServiceGrants';

const REF = 'pipeline:default/checkout';

/** The service underneath: answers, and remembers what it was asked. */
function core() {
  const lists: ListPipelinesQuery[] = [];
  const summary = (name: string) =>
    ({ ref: `pipeline:default/${name}`, name } as PipelineSummary);
  const service = {
    listPipelines: jest.fn(async (query: ListPipelinesQuery) => {
      lists.push(query);
      return { items: [summary('checkout'), summary('payments')] };
    }),
    getPipeline: jest.fn(async () => ({ ref: REF })),
    promote: jest.fn(async () => ({ id: '1', status: 'succeeded' })),
    publish: jest.fn(async () => ({ changed: true })),
  } as unknown as GluService;
  return { service, lists };
}

function permissions(
  decide: (
    name: string,
    resourceRef?: string,
  ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  conditional?: PolicyDecision,
) {
  const asked: string[] = [];
  const mock = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => {
        asked.push(`${r.permission.name} ${(r as any).resourceRef ?? ''}`);
        return {
          result: decide(r.permission.name, (r as any).resourceRef),
        };
      }),
    authorizeConditional: async requests =>
      requests.map(r => conditional ?? { result: decide(r.permission.name) }),
  });
  return { mock, asked };
}

const grants = ServiceGrants.fromConfig(
  new ConfigReader({
    glu: {
      serviceGrants: [
        { subject: 'external:ci', permissions: ['glu.pipeline.publish'] },
      ],
    },
  }),
);
const alice = { credentials: mockCredentials.user('user:default/alice') };

/**
 * The pipelines as stored: checkout of team-checkout, and payments, whose
 * owner has left the catalog.
 */
const stored: Record<string, Pick<SyncedPipeline, 'owner' | 'ownerMissing'>> = {
  'pipeline:default/checkout': { owner: 'group:default/team-checkout' },
  'pipeline:default/payments': {
    owner: 'group:default/team-payments',
    ownerMissing: true,
  },
};
const pipeline = async (ref: string) =>
  stored[ref] as SyncedPipeline | undefined;
const quarantineOf = async (id: string) => {
  throw new NotFoundError(`There is no quarantine ${id}`);
};

describe('AuthorizedGluService', () => {
  it('tells a caller who may not read a pipeline that it does not exist', async () => {
    const { service } = core();
    const { mock } = permissions(() => AuthorizeResult.DENY);
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
      pipeline,
      quarantineOf,
    });
    await expect(authorized.getPipeline(REF, alice)).rejects.toEqual(
      new NotFoundError(`No pipeline ${REF}`),
    );
    // Also for writes: no hint that the pipeline exists.
    await expect(
      authorized.promote(REF, { phase: 'production' }, alice),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(service.promote).not.toHaveBeenCalled();
  });

  it('refuses a write its permission does not allow, with the permission named', async () => {
    const { service } = core();
    const { mock } = permissions(name =>
      name === 'glu.pipeline.read'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
      pipeline,
      quarantineOf,
    });
    await expect(
      authorized.promote(REF, { phase: 'production' }, alice),
    ).rejects.toEqual(
      new NotAllowedError(
        `user:default/alice may not update ${REF} (glu.pipeline.promote)`,
      ),
    );
    expect(service.promote).not.toHaveBeenCalled();
  });

  it('lets a service write only with a grant: in its access restrictions, or in the config', async () => {
    const { service } = core();
    const { mock } = permissions(() => AuthorizeResult.ALLOW);
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
      pipeline,
      quarantineOf,
    });
    const deployer = {
      credentials: mockCredentials.service('external:deployer'),
    };
    await expect(
      authorized.promote(REF, { phase: 'production' }, deployer),
    ).rejects.toThrow(
      'the service external:deployer has no grant for glu.pipeline.promote',
    );
    const restricted = {
      credentials: mockCredentials.service('external:deployer', {
        permissionNames: ['glu.pipeline.read', 'glu.pipeline.promote'],
      }),
    };
    await expect(
      authorized.promote(REF, { phase: 'production' }, restricted),
    ).resolves.toMatchObject({ status: 'succeeded' });
    const ci = { credentials: mockCredentials.service('external:ci') };
    await expect(
      authorized.publish(REF, 'build', { version: '1.0.0' }, ci),
    ).resolves.toMatchObject({ changed: true });
    // Its grants decide, though its token's restrictions name the permission.
    const restrictedCi = {
      credentials: mockCredentials.service('external:ci', {
        permissionNames: ['glu.pipeline.publish', 'glu.pipeline.promote'],
      }),
    };
    for (const caller of [ci, restrictedCi]) {
      await expect(
        authorized.promote(REF, { phase: 'production' }, caller),
      ).rejects.toThrow(
        'the grants of the service external:ci (glu.serviceGrants) do not give it glu.pipeline.promote',
      );
    }
  });

  it("refuses a service's write to a pipeline that its grants do not cover, with a 403 that says what they cover", async () => {
    const { service } = core();
    const { mock } = permissions(() => AuthorizeResult.ALLOW);
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants: ServiceGrants.fromConfig(
        new ConfigReader({
          glu: {
            serviceGrants: [
              {
                subject: 'external:ci',
                permissions: ['glu.pipeline.publish'],
                owners: ['group:default/team-checkout', 'team-payments'],
              },
            ],
          },
        }),
      ),
      pipeline,
      quarantineOf,
    });
    const ci = { credentials: mockCredentials.service('external:ci') };
    await expect(
      authorized.publish(REF, 'build', { version: '1.0.0' }, ci),
    ).resolves.toMatchObject({ changed: true });
    // Its owner is not in the catalog: it owns nothing, so no grant by owner covers it.
    const refused = authorized.publish(
      'pipeline:default/payments',
      'build',
      { version: '1.0.0' },
      ci,
    );
    await expect(refused).rejects.toBeInstanceOf(NotAllowedError);
    await expect(refused).rejects.toThrow(
      'external:ci may not create pipeline:default/payments (glu.pipeline.publish): the grants of the service external:ci for glu.pipeline.publish (glu.serviceGrants) do not cover pipeline:default/payments: they cover pipelines owned by group:default/team-checkout or team-payments',
    );
  });

  it('lets a caller that may write but not read make the write, and nothing else', async () => {
    const { service } = core();
    // As Backstage decides for a token restricted to one permission.
    const { mock } = permissions(name =>
      name === 'glu.pipeline.publish'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
      pipeline,
      quarantineOf,
    });
    const ci = {
      credentials: mockCredentials.service('external:ci', {
        permissionNames: ['glu.pipeline.publish'],
      }),
    };
    await expect(
      authorized.publish(REF, 'build', { version: '1.0.0' }, ci),
    ).resolves.toMatchObject({ changed: true });
    await expect(authorized.getPipeline(REF, ci)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      authorized.promote(REF, { phase: 'production' }, ci),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("applies the policy's ownership condition to lists in the query, in one question", async () => {
    const { service, lists } = core();
    const claims = ['user:default/alice', 'group:default/team-checkout'];
    const { mock, asked } = permissions(() => AuthorizeResult.ALLOW, {
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims },
          },
          {
            not: {
              rule: 'IS_ENTITY_KIND',
              resourceType: 'catalog-entity',
              params: { kinds: ['Pipeline'] },
            },
          },
        ],
      },
    });
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
      pipeline,
      quarantineOf,
    });
    await authorized.listPipelines({ limit: 20 }, alice);
    expect(lists).toEqual([
      {
        limit: 20,
        filter: {
          anyOf: [{ ownerIn: claims }, { not: { all: true } }],
        },
      },
    ]);
    expect(asked).toEqual([]);
  });

  it('tells a caller who may read no pipeline at all so, rather than answering an empty list', async () => {
    const { service } = core();
    const { mock } = permissions(name =>
      name === 'glu.pipeline.publish'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    );
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
      pipeline,
      quarantineOf,
    });
    const ci = { credentials: mockCredentials.service('external:ci') };
    await expect(authorized.listPipelines({ limit: 20 }, ci)).rejects.toEqual(
      new NotAllowedError(
        'external:ci may not read any pipeline (glu.pipeline.read)',
      ),
    );
    expect(service.listPipelines).not.toHaveBeenCalled();
  });

  it('asks about each pipeline of the page, once, for a condition only the catalog can apply', async () => {
    const { service } = core();
    const { mock, asked } = permissions(
      (_name, ref) =>
        ref === 'pipeline:default/payments'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'HAS_LABEL',
          resourceType: 'catalog-entity',
          params: { label: 'tier' },
        },
      },
    );
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
      pipeline,
      quarantineOf,
    });
    const page = await authorized.listPipelines({ limit: 20 }, alice);
    expect(page.items.map(p => p.name)).toEqual(['checkout']);
    expect(asked).toEqual([
      'glu.pipeline.read pipeline:default/checkout',
      'glu.pipeline.read pipeline:default/payments',
    ]);
  });
});
