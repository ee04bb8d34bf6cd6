import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GluPipelineOwners } from './owners';

const group = (name: string, namespace = 'default'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace },
  spec: { type: 'team', children: [] },
});

describe('GluPipelineOwners', () => {
  afterEach(() => jest.useRealTimers());

  it('tells which owners the catalog does not hold: kind and namespace count', async () => {
    const owners = new GluPipelineOwners({
      catalog: catalogServiceMock({ entities: [group('team-platform')] }),
      auth: mockServices.auth(),
      timeoutMillis: 1_000,
    });
    expect(
      await owners.missing([
        'group:default/team-platform',
        'group:evil/team-platform',
        'user:default/team-platform',
        'group:default/team-platform',
      ]),
    ).toEqual(
      new Set(['group:evil/team-platform', 'user:default/team-platform']),
    );
    expect(await owners.missing([])).toEqual(new Set());
  });

  it('takes an owner found present as present for a while, and asks again about one found missing', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
    let entities = [group('team-platform')];
    const catalog = catalogServiceMock.mock({
      getEntitiesByRefs: async request =>
        catalogServiceMock({ entities }).getEntitiesByRefs(request),
    });
    const owners = new GluPipelineOwners({
      catalog,
      auth: mockServices.auth(),
      timeoutMillis: 1_000,
      keepPresentMillis: 30_000,
    });
    const asked = () =>
      catalog.getEntitiesByRefs.mock.calls.flatMap(([r]) => r.entityRefs);
    const platform = 'group:default/team-platform';
    const checkout = 'group:default/team-checkout';
    expect(await owners.missing([platform, checkout])).toEqual(
      new Set([checkout]),
    );
    entities = [group('team-checkout')];
    // The group that was present is not asked about again yet; the one that
    // was missing is, and is found now.
    catalog.getEntitiesByRefs.mockClear();
    expect(await owners.missing([platform, checkout])).toEqual(new Set());
    expect(asked()).toEqual([checkout]);
    jest.setSystemTime(new Date('2026-12-01T10:00:31Z'));
    catalog.getEntitiesByRefs.mockClear();
    expect(await owners.missing([platform])).toEqual(new Set([platform]));
    expect(asked()).toEqual([platform]);
  });

  it('fails with what it asked when the catalog does not answer by the deadline', async () => {
    jest.useFakeTimers();
    const owners = new GluPipelineOwners({
      catalog: catalogServiceMock.mock({
        getEntitiesByRefs: () => new Promise(() => {}),
      }),
      auth: mockServices.auth(),
      timeoutMillis: 5_000,
    });
    const failure = owners.missing(['group:default/team-platform']).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await jest.advanceTimersByTimeAsync(5_000);
    expect(await failure).toBe(
      'Could not ask the catalog whether group:default/team-platform is in it: no answer within 5s',
    );
  });
});
