import { isResourcePermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  gluFreezePermission,
  gluPermissions,
  gluQuarantineEverywherePermission,
} from './permissions';

describe('gluPermissions', () => {
  it('are resource permissions on catalog entities, so catalog conditions apply, but for freezes and quarantines everywhere, which span pipelines', () => {
    for (const permission of gluPermissions) {
      expect(
        isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY),
      ).toBe(
        permission !== gluFreezePermission &&
          permission !== gluQuarantineEverywherePermission,
      );
    }
  });

  it('have unique names under the glu prefix', () => {
    const names = gluPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every(n => n.startsWith('glu.'))).toBe(true);
  });
});
