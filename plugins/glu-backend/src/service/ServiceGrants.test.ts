import { mockCredentials } from '@backstage/backend-test-utils';
import { BackstageServicePrincipal } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import {
  gluPromotePermission,
  gluPublishPermission,
} from '@glu-dev/plugin-glu-common';
import { ServiceGrants } from './ServiceGrants';

const principal = (
  subject: string,
  permissionNames?: string[],
): BackstageServicePrincipal =>
  mockCredentials.service(
    subject,
    permissionNames ? { permissionNames } : undefined,
  ).principal;

/** The owners of the pipelines of the tests, as stored. */
const OWNERS: Record<string, string | undefined> = {
  'pipeline:default/checkout-api': 'group:default/team-checkout',
  'pipeline:default/checkout-web': 'group:default/team-checkout',
  'pipeline:default/payments': 'group:default/team-payments',
  'pipeline:payments/ledger': 'group:payments/team-ledger',
  // Its owner is not in the catalog: it owns nothing.
  'pipeline:default/orphan': undefined,
};
const ownerOf = (ref: string) => async () => OWNERS[ref];

function grantsOf(serviceGrants: JsonObject[]) {
  return ServiceGrants.fromConfig(new ConfigReader({ glu: { serviceGrants } }));
}

describe('ServiceGrants', () => {
  const grants = grantsOf([
    {
      subject: 'ci',
      permissions: ['glu.pipeline.publish'],
      pipelines: ['checkout-*'],
    },
    {
      subject: 'ci',
      permissions: ['glu.pipeline.publish'],
      owners: ['team-payments'],
    },
    {
      subject: 'ledger-ci',
      permissions: ['glu.pipeline.publish', 'glu.pipeline.promote'],
      namespaces: ['payments'],
    },
  ]);
  const refusal = (
    subject: string,
    ref: string,
    permission = gluPublishPermission,
  ) => grants.refusal(principal(subject), permission, ref, ownerOf(ref));

  it('lets a service write to the pipelines its grants name, by ref pattern, by owner or by namespace, and refuses others saying what the grants cover', async () => {
    for (const ref of [
      'pipeline:default/checkout-api',
      'pipeline:default/Checkout-Web',
      'pipeline:default/payments',
    ]) {
      expect(await refusal('ci', ref)).toBeUndefined();
    }
    expect(
      await refusal('ledger-ci', 'pipeline:payments/ledger'),
    ).toBeUndefined();
    expect(
      await refusal(
        'ledger-ci',
        'pipeline:payments/ledger',
        gluPromotePermission,
      ),
    ).toBeUndefined();

    expect(await refusal('ci', 'pipeline:payments/ledger')).toBe(
      'the grants of the service ci for glu.pipeline.publish (glu.serviceGrants) do not cover pipeline:payments/ledger: they cover pipelines matching checkout-*; pipelines owned by team-payments',
    );
    // A pattern without a namespace means the default one.
    expect(await refusal('ci', 'pipeline:staging/checkout-api')).toBeDefined();
    expect(await refusal('ledger-ci', 'pipeline:default/payments')).toBe(
      'the grants of the service ledger-ci for glu.pipeline.publish (glu.serviceGrants) do not cover pipeline:default/payments: they cover pipelines in the namespace payments',
    );
    // An owner that is not in the catalog owns nothing.
    expect(await refusal('ci', 'pipeline:default/orphan')).toBeDefined();
    // The owner is asked for only by a grant that names owners.
    const asked = jest.fn(async () => 'group:payments/team-ledger');
    await grants.refusal(
      principal('ledger-ci'),
      gluPublishPermission,
      'pipeline:payments/ledger',
      asked,
    );
    expect(asked).not.toHaveBeenCalled();
    expect(
      await refusal(
        'ci',
        'pipeline:default/checkout-api',
        gluPromotePermission,
      ),
    ).toBe(
      'the grants of the service ci (glu.serviceGrants) do not give it glu.pipeline.promote',
    );
  });

  it("lets grants decide where a service with grants may write, whatever its token's restrictions name", async () => {
    const restricted = principal('ci', [
      'glu.pipeline.publish',
      'glu.pipeline.promote',
    ]);
    expect(
      await grants.refusal(
        restricted,
        gluPublishPermission,
        'pipeline:payments/ledger',
        ownerOf('pipeline:payments/ledger'),
      ),
    ).toBeDefined();
    expect(
      await grants.refusal(
        restricted,
        gluPromotePermission,
        'pipeline:default/checkout-api',
        ownerOf('pipeline:default/checkout-api'),
      ),
    ).toBeDefined();
    // A service with no grant writes where its restrictions let it, anywhere.
    expect(
      await grants.refusal(
        principal('deployer', ['glu.pipeline.promote']),
        gluPromotePermission,
        'pipeline:payments/ledger',
        ownerOf('pipeline:payments/ledger'),
      ),
    ).toBeUndefined();
    expect(
      await grants.refusal(
        principal('deployer'),
        gluPromotePermission,
        'pipeline:payments/ledger',
        ownerOf('pipeline:payments/ledger'),
      ),
    ).toBe(
      "the service deployer has no grant for glu.pipeline.promote: name the permission in its token's access restrictions (backend.auth.externalAccess), or grant it under glu.serviceGrants",
    );
  });

  it('warns of a token that may write to every pipeline, and not of one that grants narrow', () => {
    const config = new ConfigReader({
      backend: {
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: 'ci-token-1234', subject: 'ci' },
              accessRestrictions: [
                { plugin: 'glu', permission: 'glu.pipeline.publish' },
              ],
            },
            {
              type: 'static',
              options: { token: 'deploy-token-1234', subject: 'deployer' },
              accessRestrictions: [
                {
                  plugin: 'glu',
                  permission: ['glu.pipeline.read', 'glu.pipeline.promote'],
                },
                { plugin: 'catalog', permission: 'catalog.entity.read' },
              ],
            },
            {
              type: 'static',
              options: { token: 'reader-token-1234', subject: 'reader' },
              accessRestrictions: [
                { plugin: 'glu', permission: 'glu.pipeline.read' },
              ],
            },
          ],
        },
      },
    });
    expect(ServiceGrants.unnarrowed(config, grants)).toEqual([
      "The service deployer may write to every pipeline (glu.pipeline.promote): its token's access restrictions (backend.auth.externalAccess) name the permission, and no grant in glu.serviceGrants says where; add one with its subject, the permissions and the pipelines, owners or namespaces it may write to",
    ]);
  });

  it('refuses grants that name something other than pipelines or owners, naming the setting', () => {
    expect(() =>
      grantsOf([
        {
          subject: 'ci',
          permissions: ['glu.pipeline.publish'],
          pipelines: ['component:default/checkout'],
        },
      ]),
    ).toThrow(
      "glu.serviceGrants[0].pipelines[0]: Not a pipeline's entity ref: component:default/checkout",
    );
    expect(() =>
      grantsOf([
        {
          subject: 'ci',
          permissions: ['glu.pipeline.publish'],
          owners: ['api:default/checkout'],
        },
      ]),
    ).toThrow(
      'glu.serviceGrants[0].owners[0]: api:default/checkout is not a group or a user',
    );
  });
});
