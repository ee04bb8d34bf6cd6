import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  gluFormatsExtensionPoint,
  gluGatesExtensionPoint,
  gluSourcesExtensionPoint,
  gluTimeoutMillis,
} from '@glu-dev/plugin-glu-node';
import { builtInGates } from './gates';
import { builtInFormats } from './formats';
import { ScmIntegrations } from '@backstage/integration';
import path from 'node:path';
import { apiSource } from './sources/api/apiSource';
import { GitCredentials } from './sources/git/GitCredentials';
import { GitRepositories } from './sources/git/GitRepositories';
import { GitSource } from './sources/git/gitSource';
import { createHelmSource } from './sources/helm/helmSource';
import { OciRegistryClient } from './sources/oci/OciRegistryClient';
import { createOciSource } from './sources/oci/ociSource';
import { readRegistries } from './sources/oci/registries';

/**
 * Glu's own sources, formats and gates, registered through the same
 * extension points as anyone else's.
 */
export const gluModuleBuiltIns = createBackendModule({
  pluginId: 'glu',
  moduleId: 'built-ins',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        formats: gluFormatsExtensionPoint,
        sources: gluSourcesExtensionPoint,
        gates: gluGatesExtensionPoint,
      },
      async init({ config, logger, formats, sources, gates }) {
        gates.addGate(...builtInGates);
        formats.addFormat(...builtInFormats);
        const httpTimeout = gluTimeoutMillis(config, 'http');
        const registries = new OciRegistryClient({
          registries: readRegistries(config),
          timeoutMillis: httpTimeout,
        });
        const integrations = ScmIntegrations.fromConfig(config);
        const repositories = new GitRepositories({
          workingDirectory: path.resolve(
            config.getOptionalString('glu.workingDirectory') ?? 'glu-work',
          ),
          credentials: new GitCredentials(integrations),
          logger,
          author: {
            name: config.getOptionalString('glu.git.author.name') ?? 'Glu',
            email:
              config.getOptionalString('glu.git.author.email') ??
              'glu@localhost',
          },
          timeoutMillis: gluTimeoutMillis(config, 'git'),
        });
        sources.addSource(
          new GitSource({ repositories, integrations, logger }),
          createOciSource(registries),
          createHelmSource(registries, { timeoutMillis: httpTimeout }),
          apiSource,
        );
      },
    });
  },
});
