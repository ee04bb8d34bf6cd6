import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  GluClient,
  pipelineOwnerRef,
  PipelineValidationError,
} from '@glu-dev/plugin-glu-common';
import { fetchWithDeadline } from '@glu-dev/plugin-glu-node';

/** The longest reason that Glu's API takes. */
const MAX_REASON_LENGTH = 8000;

/**
 * Tells Glu which pipeline definitions the catalog refused, and why: the
 * catalog keeps no entity it refused, so without this the reason would be
 * only in the catalog's log. Every refusal is reported (the catalog repeats
 * it at each processing, which keeps it showing); an acceptance only of a
 * pipeline that this process reported refused. A report that fails is
 * logged and does not change what the catalog decides.
 */
export class CatalogRefusals {
  private readonly client: Pick<
    GluClient,
    'recordCatalogRefusal' | 'forgetCatalogRefusal'
  >;
  private readonly reported = new Set<string>();

  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** The deadline of one report (`glu.timeouts.http`). */
      timeoutMillis: number;
    },
  ) {
    const withDeadline = fetchWithDeadline(deps.timeoutMillis);
    this.client = new GluClient({
      discoveryApi: deps.discovery,
      fetchApi: {
        fetch: async (input, init) => {
          const { token } = await deps.auth.getPluginRequestToken({
            onBehalfOf: await deps.auth.getOwnServiceCredentials(),
            targetPluginId: 'glu',
          });
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Bearer ${token}`);
          return withDeadline(input, { ...init, headers });
        },
      },
    });
  }

  /** Reports a definition refused; errors other than a refusal are not. */
  async refused(entity: Entity, error: unknown): Promise<void> {
    if (!(error instanceof PipelineValidationError)) return;
    const ref = getCompoundEntityRef(entity);
    await this.report(ref, async () => {
      await this.client.recordCatalogRefusal(ref, {
        reason: error.issues.join('; ').slice(0, MAX_REASON_LENGTH),
        ...ownerOf(entity),
      });
      this.reported.add(stringifyEntityRef(ref));
    });
  }

  /** Reports a definition accepted, if this process reported it refused. */
  async accepted(entity: Entity): Promise<void> {
    const ref = getCompoundEntityRef(entity);
    if (!this.reported.has(stringifyEntityRef(ref))) return;
    await this.report(ref, async () => {
      await this.client.forgetCatalogRefusal(ref);
      this.reported.delete(stringifyEntityRef(ref));
    });
  }

  private async report(ref: CompoundEntityRef, call: () => Promise<void>) {
    try {
      await call();
    } catch (error) {
      this.deps.logger.warn(
        `Could not tell the Glu backend whether the catalog refused ${stringifyEntityRef(
          ref,
        )}: ${error}`,
      );
    }
  }
}

/** The definition's owner as an entity ref, when it names one that parses. */
function ownerOf(entity: Entity): { owner?: string } {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string') return {};
  try {
    return {
      owner: pipelineOwnerRef(owner, entity.metadata.namespace ?? 'default'),
    };
  } catch {
    return {};
  }
}
