import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/*
 * Every Glu permission is a resource permission on the Pipeline catalog
 * entity, so a policy can decide with the catalog's own conditions, such as
 * `isEntityOwner`: owners may, others may not, unless the policy says otherwise.
 */

/**
 * Read a pipeline: its phases, their state and history, its promotions.
 *
 * @public
 */
export const gluPipelineReadPermission = createPermission({
  name: 'glu.pipeline.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Promote a version from one phase of a pipeline into the next.
 *
 * @public
 */
export const gluPromotePermission = createPermission({
  name: 'glu.pipeline.promote',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Roll a phase back to an earlier state of its history.
 *
 * @public
 */
export const gluRollbackPermission = createPermission({
  name: 'glu.pipeline.rollback',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Pin a phase at a state, or unpin it.
 *
 * @public
 */
export const gluPinPermission = createPermission({
  name: 'glu.pipeline.pin',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve a version for a phase, for edges with an approvals gate.
 *
 * @public
 */
export const gluApprovePermission = createPermission({
  name: 'glu.pipeline.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Publish a version to a phase whose source is the API (e.g. from CI).
 *
 * @public
 */
export const gluPublishPermission = createPermission({
  name: 'glu.pipeline.publish',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Promote through the freezes that hold a phase of a pipeline: a hotfix,
 * with a reason. Owners do not hold it by being owners: going through a
 * freeze is the organization's call.
 *
 * @public
 */
export const gluHotfixPermission = createPermission({
  name: 'glu.pipeline.hotfix',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Ask for a promotion that one may not make oneself: it waits on the edge
 * until its approval policy is met, and Glu carries it out.
 *
 * @public
 */
export const gluRequestPermission = createPermission({
  name: 'glu.pipeline.request',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Quarantine a version of a pipeline so that nothing promotes it again, or
 * lift that quarantine.
 *
 * @public
 */
export const gluQuarantinePermission = createPermission({
  name: 'glu.pipeline.quarantine',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Quarantine a digest in every pipeline at once (a vulnerable image), or
 * lift that quarantine. Not a permission on one pipeline.
 *
 * @public
 */
export const gluQuarantineEverywherePermission = createPermission({
  name: 'glu.quarantine.manage',
  attributes: { action: 'update' },
});

/**
 * Set and lift freezes. Not a permission on one pipeline: a freeze may
 * cover many, or every one.
 *
 * @public
 */
export const gluFreezePermission = createPermission({
  name: 'glu.freeze.manage',
  attributes: { action: 'update' },
});

/**
 * Every permission that the Glu plugins define.
 *
 * @public
 */
export const gluPermissions = [
  gluPipelineReadPermission,
  gluPromotePermission,
  gluRollbackPermission,
  gluPinPermission,
  gluApprovePermission,
  gluPublishPermission,
  gluHotfixPermission,
  gluFreezePermission,
  gluQuarantinePermission,
  gluQuarantineEverywherePermission,
  gluRequestPermission,
];
