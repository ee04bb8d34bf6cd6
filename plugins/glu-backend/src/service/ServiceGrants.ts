import { BackstageServicePrincipal } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Permission } from '@backstage/plugin-permission-common';

/** What a service may do in Glu, from app-config `glu.serviceGrants`. */
export interface ServiceGrant {
  /** The service's subject: a static token's `subject` as configured (e.g. `ci`), or `plugin:<pluginId>` for another plugin. */
  subject: string;
  /** The Glu permissions it may use, e.g. `[glu.pipeline.publish]`. */
  permissions: string[];
  /** The pipelines (entity refs) it may use them on; every one when left out. */
  pipelines?: string[];
}

/**
 * Backstage lets a service principal do anything that its token's access
 * restrictions do not forbid, without asking the permission policy. Glu
 * writes to production configuration, so a service may write only with an
 * explicit grant: its token's access restrictions name the Glu permission
 * (`accessRestrictions: [{ plugin: glu, permission: glu.pipeline.publish }]`),
 * or `glu.serviceGrants` names its subject and what it may do.
 */
export class ServiceGrants {
  private constructor(private readonly grants: ServiceGrant[]) {}

  static fromConfig(config: Config): ServiceGrants {
    return new ServiceGrants(
      (config.getOptionalConfigArray('glu.serviceGrants') ?? []).map(grant => ({
        subject: grant.getString('subject'),
        permissions: grant.getStringArray('permissions'),
        pipelines: grant.getOptionalStringArray('pipelines'),
      })),
    );
  }

  /** Why the service may not use the permission on the pipeline; undefined when granted. */
  refusal(
    principal: BackstageServicePrincipal,
    permission: Permission,
    pipelineRef: string,
  ): string | undefined {
    if (
      principal.accessRestrictions?.permissionNames?.includes(permission.name)
    ) {
      return undefined;
    }
    const granted = this.grants.some(
      grant =>
        grant.subject === principal.subject &&
        grant.permissions.includes(permission.name) &&
        (!grant.pipelines || grant.pipelines.includes(pipelineRef)),
    );
    return granted
      ? undefined
      : `the service ${principal.subject} has no grant for ${permission.name}: name the permission in its token's access restrictions (backend.auth.externalAccess), or grant it under glu.serviceGrants`;
  }
}
