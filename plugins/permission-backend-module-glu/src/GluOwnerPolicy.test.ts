import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  gluFreezePermission,
  gluHotfixPermission,
  gluPipelineReadPermission,
  gluPromotePermission,
  gluPublishPermission,
} from '@glu-dev/plugin-glu-common';
import { GluOwnerPolicy } from './GluOwnerPolicy';

const claims = ['user:default/alice', 'group:default/team-checkout'];
const userInfo = mockServices.userInfo.mock({
  getUserInfo: async () => ({
    userEntityRef: 'user:default/alice',
    ownershipEntityRefs: claims,
  }),
});
const alice = {
  credentials: mockCredentials.user('user:default/alice'),
  info: { userEntityRef: 'user:default/alice', ownershipEntityRefs: claims },
};

describe('GluOwnerPolicy', () => {
  it('lets anyone signed in read, and only the owners change a pipeline', async () => {
    const policy = new GluOwnerPolicy({ userInfo });
    await expect(
      policy.handle({ permission: gluPipelineReadPermission }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    for (const permission of [gluPromotePermission, gluPublishPermission]) {
      await expect(policy.handle({ permission }, alice)).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims },
        },
      });
    }
  });

  it('lets only the release managers set freezes and hotfix through them', async () => {
    for (const permission of [gluFreezePermission, gluHotfixPermission]) {
      await expect(
        new GluOwnerPolicy({ userInfo }).handle({ permission } as any, alice),
      ).resolves.toEqual({ result: AuthorizeResult.DENY });
      await expect(
        new GluOwnerPolicy({
          userInfo,
          releaseManagers: ['Group:Default/Team-Checkout'],
        }).handle({ permission } as any, alice),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('leaves every other permission to the policy it is given, or allows it', async () => {
    const other = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
    });
    await expect(
      new GluOwnerPolicy({ userInfo }).handle({ permission: other }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    const deny = {
      handle: async () => ({ result: AuthorizeResult.DENY }),
    };
    const composed = new GluOwnerPolicy({ userInfo, fallback: deny });
    await expect(
      composed.handle({ permission: other }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      composed.handle({ permission: gluPipelineReadPermission }, alice),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });
});
