import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { FleetRow } from '@glu-dev/plugin-glu-common';
import { SyncedPipeline } from '../store/types';
import { AuthorizedGluService } from './AuthorizedGluService';
import { FleetQuery, GluService, Readable } from './GluService';
import { ServiceGrants } from './ServiceGrants';

const alice = { credentials: mockCredentials.user('user:default/alice') };
const row = (name: string) =>
  ({ ref: `pipeline:default/${name}`, name, cells: [] } as unknown as FleetRow);

/** The service underneath: a fleet of checkout, payments and ledger. */
function core() {
  const asked: Array<{ query: FleetQuery; readable?: Readable }> = [];
  const service = {
    getFleet: jest.fn(
      async (query: FleetQuery, options: { readable?: Readable }) => {
        asked.push({ query, readable: options.readable });
        const names = ['checkout', 'payments', 'ledger'];
        const readable = options.readable
          ? await options.readable(names.map(n => `pipeline:default/${n}`))
          : undefined;
        return {
          environments: [],
          items: names
            .map(row)
            .filter(r => !readable || readable.includes(r.ref)),
        };
      },
    ),
    diffFleet: jest.fn(async (environments: object, query: FleetQuery) => {
      asked.push({ query });
      return { ...environments, items: [] };
    }),
    promote: jest.fn(async (ref: string) => {
      if (ref.endsWith('/ledger')) {
        throw new ConflictError('production is pinned');
      }
      return { id: ref, status: 'succeeded' };
    }),
  } as unknown as GluService;
  return { service, asked };
}

/** Lists as `conditional` says; neither reads nor promotes payments. */
function authorizedWith(conditional: PolicyDecision) {
  const { service, asked } = core();
  const mock = mockServices.permissions.mock({
    authorize: async requests =>
      // Payments may be neither read nor promoted.
      requests.map(r => ({
        result: (r as { resourceRef?: string }).resourceRef?.endsWith(
          '/payments',
        )
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })),
    authorizeConditional: async requests => requests.map(() => conditional),
  });
  const authorized = new AuthorizedGluService(service, {
    permissions: mock,
    grants: ServiceGrants.fromConfig(new ConfigReader({})),
    pipeline: async ref =>
      ({ ref, owner: 'group:default/team-a' } as SyncedPipeline),
    quarantineOf: async id => {
      throw new NotFoundError(id);
    },
  });
  return { authorized, asked, service };
}

const conditional = (
  rule: string,
  params: Record<string, string[] | string>,
): PolicyDecision => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: { rule, resourceType: 'catalog-entity', params },
});

describe('the fleet, authorized', () => {
  it('reads as the list of pipelines does: the policy filters in the query, or page by page', async () => {
    const owned = authorizedWith(
      conditional('IS_ENTITY_OWNER', { claims: ['group:default/team-a'] }),
    );
    await owned.authorized.getFleet({ limit: 10 }, alice);
    await owned.authorized.diffFleet(
      { from: 'staging', to: 'production' },
      { limit: 10 },
      alice,
    );
    expect(owned.asked.map(a => [a.query.filter, a.readable])).toEqual([
      [{ ownerIn: ['group:default/team-a'] }, undefined],
      [{ ownerIn: ['group:default/team-a'] }, undefined],
    ]);

    // A condition only the catalog can apply: each pipeline of the page.
    const labelled = authorizedWith(
      conditional('HAS_LABEL', { label: 'public' }),
    );
    const page = await labelled.authorized.getFleet({ limit: 10 }, alice);
    expect(page.items.map(r => r.name)).toEqual(['checkout', 'ledger']);
    expect(labelled.asked[0].query.filter).toBeUndefined();

    const everyone = authorizedWith({ result: AuthorizeResult.ALLOW });
    expect(
      (await everyone.authorized.getFleet({ limit: 10 }, alice)).items,
    ).toHaveLength(3);
    const nobody = authorizedWith({ result: AuthorizeResult.DENY });
    await expect(
      nobody.authorized.getFleet({ limit: 10 }, alice),
    ).rejects.toThrow(
      'user:default/alice may not read any pipeline (glu.pipeline.read)',
    );
  });

  it('promotes each pipeline as its own promotion would, answering each refusal in its place', async () => {
    const { authorized, service } = authorizedWith({
      result: AuthorizeResult.ALLOW,
    });
    const answer = await authorized.promoteFleet(
      [
        { pipeline: 'pipeline:default/checkout', phase: 'production' },
        { pipeline: 'payments', phase: 'production', from: 'staging' },
        { pipeline: 'ledger', phase: 'production' },
        { pipeline: 'component:default/checkout', phase: 'production' },
      ],
      alice,
    );
    expect(answer.items).toEqual([
      {
        pipeline: 'pipeline:default/checkout',
        phase: 'production',
        promotion: { id: 'pipeline:default/checkout', status: 'succeeded' },
      },
      {
        pipeline: 'payments',
        phase: 'production',
        from: 'staging',
        error: {
          name: 'NotFoundError',
          message: 'No pipeline pipeline:default/payments',
          statusCode: 404,
        },
      },
      {
        pipeline: 'ledger',
        phase: 'production',
        error: {
          name: 'ConflictError',
          message: 'production is pinned',
          statusCode: 409,
        },
      },
      {
        pipeline: 'component:default/checkout',
        phase: 'production',
        error: {
          name: 'InputError',
          message: expect.stringMatching(/^Not a pipeline's entity ref/),
          statusCode: 400,
        },
      },
    ]);
    expect(service.promote).toHaveBeenCalledTimes(2);
    expect(service.promote).toHaveBeenCalledWith(
      'pipeline:default/checkout',
      { phase: 'production' },
      alice,
    );
  });
});
