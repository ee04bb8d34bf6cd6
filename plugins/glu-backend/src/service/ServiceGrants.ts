import { BackstageServicePrincipal } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { Permission } from '@backstage/plugin-permission-common';
import {
  gluPermissions,
  gluPipelineReadPermission,
  parsePipelineRef,
  pipelineOwnerRef,
} from '@glu-dev/plugin-glu-common';
import { Minimatch } from 'minimatch';

/** What a service may do in Glu, from app-config `glu.serviceGrants`. */
export interface ServiceGrant {
  /** The service's subject: a static token's `subject` as configured (e.g. `ci`), or `plugin:<pluginId>` for another plugin. */
  subject: string;
  /** The Glu permissions it may use, e.g. `[glu.pipeline.publish]`. */
  permissions: string[];
  /** Patterns of the refs of the pipelines it covers, e.g. `pipeline:default/checkout-*`. */
  pipelines?: string[];
  /** The owners whose pipelines it covers, e.g. `group:default/team-checkout`. */
  owners?: string[];
  /** The namespaces whose pipelines it covers. */
  namespaces?: string[];
}

/** A grant, its patterns compiled and its refs normalized. */
interface CompiledGrant extends ServiceGrant {
  matchers?: Minimatch[];
  ownerRefs?: Set<string>;
  namespaceSet?: Set<string>;
}

/** The permissions that write: every Glu permission but reading. */
const WRITE_PERMISSIONS = gluPermissions
  .map(p => p.name)
  .filter(name => name !== gluPipelineReadPermission.name);

const lower = (text: string) => text.toLocaleLowerCase('en-US');

/** What a grant covers, in words. */
function coverage(grant: ServiceGrant): string {
  const parts = [
    grant.pipelines && `matching ${grant.pipelines.join(' or ')}`,
    grant.owners && `owned by ${grant.owners.join(' or ')}`,
    grant.namespaces && `in the namespace ${grant.namespaces.join(' or ')}`,
  ].filter(Boolean);
  return parts.length > 0 ? `pipelines ${parts.join(', ')}` : 'every pipeline';
}

/**
 * Backstage lets a service principal do anything that its token's access
 * restrictions do not forbid, without asking the permission policy. Glu
 * writes to production configuration, so a service may write only with an
 * explicit grant: `glu.serviceGrants` names its subject, the permissions and
 * the pipelines (by ref pattern, owner or namespace), or, for a subject
 * that has no grant there, its token's access restrictions name the Glu
 * permission (`accessRestrictions: [{ plugin: glu, permission:
 * glu.pipeline.publish }]`), for every pipeline. The restrictions say what a
 * token may do at all; the grants, where.
 */
export class ServiceGrants {
  private constructor(private readonly grants: CompiledGrant[]) {}

  /** Throws for a grant that names something other than pipelines, owners or namespaces, naming the setting. */
  static fromConfig(config: Config): ServiceGrants {
    return new ServiceGrants(
      (config.getOptionalConfigArray('glu.serviceGrants') ?? []).map(
        (grant, index) => {
          const at = `glu.serviceGrants[${index}]`;
          const read = <T>(
            key: string,
            values: string[],
            make: (v: string) => T,
          ) =>
            values.map((value, i) => {
              try {
                return make(value);
              } catch (error) {
                throw new Error(
                  `${at}.${key}[${i}]: ${(error as Error).message}`,
                );
              }
            });
          const pipelines = grant.getOptionalStringArray('pipelines');
          const owners = grant.getOptionalStringArray('owners');
          const namespaces = grant.getOptionalStringArray('namespaces');
          return {
            subject: grant.getString('subject'),
            permissions: grant.getStringArray('permissions'),
            ...(pipelines && {
              pipelines,
              matchers: read(
                'pipelines',
                pipelines,
                pattern =>
                  new Minimatch(
                    lower(stringifyEntityRef(parsePipelineRef(pattern))),
                    { nocomment: true, nonegate: true },
                  ),
              ),
            }),
            ...(owners && {
              owners,
              ownerRefs: new Set(
                read('owners', owners, owner =>
                  pipelineOwnerRef(owner, 'default'),
                ),
              ),
            }),
            ...(namespaces && {
              namespaces,
              namespaceSet: new Set(namespaces.map(lower)),
            }),
          };
        },
      ),
    );
  }

  /**
   * The services that may write to every pipeline, in words, to be warned
   * of: static tokens whose access restrictions name a Glu permission that
   * writes, for a subject that no grant narrows.
   */
  static unnarrowed(config: Config, grants: ServiceGrants): string[] {
    const warnings: string[] = [];
    for (const access of config.getOptionalConfigArray(
      'backend.auth.externalAccess',
    ) ?? []) {
      const subject = access.getOptionalString('options.subject');
      if (!subject || grants.grants.some(g => g.subject === subject)) continue;
      const glu = (access.getOptionalConfigArray('accessRestrictions') ?? [])
        .filter(
          restriction => restriction.getOptionalString('plugin') === 'glu',
        )
        .flatMap(restriction => {
          const named = restriction.getOptional('permission');
          return (Array.isArray(named) ? named : [named])
            .filter((name): name is string => typeof name === 'string')
            .flatMap(name => name.split(/[ ,]/));
        })
        .filter(name => WRITE_PERMISSIONS.includes(name));
      if (glu.length > 0) {
        warnings.push(
          `The service ${subject} may write to every pipeline (${glu.join(
            ', ',
          )}): its token's access restrictions (backend.auth.externalAccess) name the permission, and no grant in glu.serviceGrants says where; add one with its subject, the permissions and the pipelines, owners or namespaces it may write to`,
        );
      }
    }
    return warnings;
  }

  /**
   * Why the service may not use a permission that is not on one pipeline
   * (setting freezes): it needs a grant that names the permission and does
   * not narrow it to pipelines, or a token restricted to it.
   */
  globalRefusal(
    principal: BackstageServicePrincipal,
    permission: Permission,
  ): string | undefined {
    const subject = principal.subject;
    const own = this.grants.filter(grant => grant.subject === subject);
    if (own.length === 0) {
      return principal.accessRestrictions?.permissionNames?.includes(
        permission.name,
      )
        ? undefined
        : `the service ${subject} has no grant for ${permission.name}: name the permission in its token's access restrictions (backend.auth.externalAccess), or grant it under glu.serviceGrants`;
    }
    const whole = own.some(
      grant =>
        grant.permissions.includes(permission.name) &&
        !grant.matchers &&
        !grant.namespaceSet &&
        !grant.ownerRefs,
    );
    return whole
      ? undefined
      : `the grants of the service ${subject} (glu.serviceGrants) do not give it ${permission.name} without narrowing it to pipelines`;
  }

  /**
   * Why the service may not use the permission on the pipeline; undefined
   * when granted. `ownerOf` tells the pipeline's owner (undefined when it
   * has none in the catalog), asked only for a grant that names owners.
   */
  async refusal(
    principal: BackstageServicePrincipal,
    permission: Permission,
    pipelineRef: string,
    ownerOf: () => Promise<string | undefined>,
  ): Promise<string | undefined> {
    const subject = principal.subject;
    const own = this.grants.filter(grant => grant.subject === subject);
    if (own.length === 0) {
      return principal.accessRestrictions?.permissionNames?.includes(
        permission.name,
      )
        ? undefined
        : `the service ${subject} has no grant for ${permission.name}: name the permission in its token's access restrictions (backend.auth.externalAccess), or grant it under glu.serviceGrants`;
    }
    const granted = own.filter(grant =>
      grant.permissions.includes(permission.name),
    );
    if (granted.length === 0) {
      return `the grants of the service ${subject} (glu.serviceGrants) do not give it ${permission.name}`;
    }
    const ref = parseEntityRef(lower(pipelineRef));
    const full = stringifyEntityRef(ref);
    let owner: Promise<string | undefined> | undefined;
    for (const grant of granted) {
      if (grant.matchers && !grant.matchers.some(m => m.match(full))) continue;
      if (grant.namespaceSet && !grant.namespaceSet.has(ref.namespace)) {
        continue;
      }
      if (grant.ownerRefs) {
        owner ??= ownerOf();
        const known = await owner;
        if (!known || !grant.ownerRefs.has(lower(known))) continue;
      }
      return undefined;
    }
    return `the grants of the service ${subject} for ${
      permission.name
    } (glu.serviceGrants) do not cover ${full}: they cover ${granted
      .map(coverage)
      .join('; ')}`;
  }
}
