import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BUILT_IN_FORMAT_TYPES,
  BUILT_IN_GATE_TYPES,
  BUILT_IN_SOURCE_TYPES,
  BUILT_IN_WRITABLE_SOURCE_TYPES,
  GluExtensionTypes as GluExtensionTypesResponse,
  PipelineValidationOptions,
} from '@glu-dev/plugin-glu-common';

const CACHE_MILLIS = 30_000;

/**
 * The source and format types that the Glu backend has registered (built-in
 * and from modules), asked over HTTP so that the catalog validates against
 * what the engine actually runs. While the Glu backend cannot be reached, the
 * built-in types are assumed.
 */
export class GluExtensionTypes {
  private cached?: { at: number; value: PipelineValidationOptions };
  private pending?: Promise<PipelineValidationOptions>;

  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
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
      const response = await fetch(`${baseUrl}/extensions`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const body = (await response.json()) as GluExtensionTypesResponse;
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
