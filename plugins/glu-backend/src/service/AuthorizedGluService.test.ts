import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PipelineSummary } from '@glu-dev/plugin-glu-common';
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

describe('AuthorizedGluService', () => {
  it('tells a caller who may not read a pipeline that it does not exist', async () => {
    const { service } = core();
    const { mock } = permissions(() => AuthorizeResult.DENY);
    const authorized = new AuthorizedGluService(service, {
      permissions: mock,
      grants,
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
    await expect(
      authorized.promote(REF, { phase: 'production' }, ci),
    ).rejects.toThrow('no grant for glu.pipeline.promote');
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
    });
    const page = await authorized.listPipelines({ limit: 20 }, alice);
    expect(page.items.map(p => p.name)).toEqual(['checkout']);
    expect(asked).toEqual([
      'glu.pipeline.read pipeline:default/checkout',
      'glu.pipeline.read pipeline:default/payments',
    ]);
  });
});
