import {
  AuthService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import {
  BUILT_IN_FORMAT_TYPES,
  BUILT_IN_GATE_TYPES,
  BUILT_IN_SOURCE_TYPES,
  BUILT_IN_WRITABLE_SOURCE_TYPES,
  GluExtensionTypes,
  parsePipelineEntity,
  PipelineDefinition,
  PipelineValidationError,
  PipelineValidationOptions,
} from '@glu-dev/plugin-glu-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { fetchWithDeadline, gluTimeoutMillis } from './deadlines';
import { GluPipelineOwners } from './owners';
import { GluWriteScopes } from './writeScopes';

const CACHE_MILLIS = 30_000;
const DEFAULT_TIMEOUT_MILLIS = 30_000;

/**
 * The source and format types that the Glu backend has registered (built-in
 * and from modules), asked over HTTP so that the catalog (and whatever
 * writes definitions, such as the scaffolder) validates against what the
 * engine actually runs. While the Glu backend cannot be reached, the
 * built-in types are assumed.
 *
 * @public
 */
export class GluExtensionTypesClient {
  private cached?: { at: number; value: PipelineValidationOptions };
  private pending?: Promise<PipelineValidationOptions>;

  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** How long the answer may take (`glu.timeouts.http`; 30 seconds when not given). */
      timeoutMillis?: number;
    },
  ) {}

  async get(): Promise<PipelineValidationOptions> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MILLIS) {
      return this.cached.value;
    }
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(): Promise<PipelineValidationOptions> {
    try {
      const baseUrl = await this.deps.discovery.getBaseUrl('glu');
      const { token } = await this.deps.auth.getPluginRequestToken({
        onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
        targetPluginId: 'glu',
      });
      const response = await fetchWithDeadline(
        this.deps.timeoutMillis ?? DEFAULT_TIMEOUT_MILLIS,
      )(`${baseUrl}/extensions`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const body = (await response.json()) as GluExtensionTypes;
      const value = {
        sourceTypes: body.sources,
        writableSourceTypes: body.writableSources,
        formatTypes: body.formats,
        gateTypes: body.gates,
      };
      this.cached = { at: Date.now(), value };
      return value;
    } catch (error) {
      this.deps.logger.warn(
        `Could not ask the Glu backend which source and format types exist; validating pipelines against the built-in ones: ${error}`,
      );
      return {
        sourceTypes: BUILT_IN_SOURCE_TYPES,
        writableSourceTypes: BUILT_IN_WRITABLE_SOURCE_TYPES,
        formatTypes: BUILT_IN_FORMAT_TYPES,
        gateTypes: BUILT_IN_GATE_TYPES,
      };
    }
  }
}

/**
 * Where the definition writes outside the platform's write scopes, naming
 * the field: every phase that an edge promotes into, whose source says where
 * it lives the way `git` does (repository, branch, path). Sources that live
 * elsewhere are checked by the Glu backend at every write.
 *
 * @public
 */
export function writeScopeIssues(
  entity: Entity,
  definition: PipelineDefinition,
  scopes: GluWriteScopes,
): string[] {
  const specPhases = ((entity.spec as { phases?: { name?: string }[] })
    ?.phases ?? []) as { name?: string }[];
  const issues: string[] = [];
  for (const phase of definition.phases) {
    if (phase.edges.length === 0) continue;
    const { repository, branch, path } = phase.source as Record<
      string,
      unknown
    >;
    if (typeof repository !== 'string' || typeof path !== 'string') continue;
    const problem = scopes.problem(definition, {
      repository,
      branch: typeof branch === 'string' ? branch : 'main',
      path,
    });
    if (problem) {
      const index = specPhases.findIndex(p => p.name === phase.name);
      issues.push(`spec.phases[${index}].source: ${problem}`);
    }
  }
  return issues;
}

/**
 * Validates a Pipeline entity as the catalog does before it lets it in: its
 * definition (against the types the Glu backend runs), its owner (a group or
 * a user that the catalog holds) and the write scopes. Throws a
 * PipelineValidationError that names every problem and its field, or an
 * Error when the catalog cannot be asked about the owner.
 *
 * @public
 */
export async function validatePipelineEntity(
  entity: Entity,
  options: {
    extensionTypes: PipelineValidationOptions;
    writeScopes: GluWriteScopes;
    owners: GluPipelineOwners;
  },
): Promise<PipelineDefinition> {
  const definition = parsePipelineEntity(entity, options.extensionTypes);
  const issues: string[] = [];
  if ((await options.owners.missing([definition.owner])).size > 0) {
    issues.push(
      `spec.owner: ${definition.owner} is not in the catalog; a pipeline's owner must be a group or a user that it holds`,
    );
  }
  issues.push(...writeScopeIssues(entity, definition, options.writeScopes));
  if (issues.length > 0) {
    throw new PipelineValidationError(definition.ref, issues);
  }
  return definition;
}

/**
 * What {@link validatePipelineEntity} needs, from a backend module's
 * services: the types the Glu backend runs (asked over HTTP, kept for 30
 * seconds), the write scopes of app-config (`glu.writeScopes`) and the
 * catalog, for the owners (one found there is taken as present for 30
 * seconds). The catalog module and the scaffolder module validate with the
 * same.
 *
 * @public
 */
export function pipelineValidationOptions(services: {
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
  config: RootConfigService;
  catalog: CatalogService;
}): {
  extensionTypes: () => Promise<PipelineValidationOptions>;
  writeScopes: GluWriteScopes;
  owners: GluPipelineOwners;
} {
  const timeoutMillis = gluTimeoutMillis(services.config, 'http');
  const types = new GluExtensionTypesClient({ ...services, timeoutMillis });
  return {
    extensionTypes: () => types.get(),
    writeScopes: GluWriteScopes.fromConfig(services.config),
    owners: new GluPipelineOwners({
      catalog: services.catalog,
      auth: services.auth,
      timeoutMillis,
      keepPresentMillis: CACHE_MILLIS,
    }),
  };
}
