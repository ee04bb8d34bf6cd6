import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  gluFormatsExtensionPoint,
  gluGatesExtensionPoint,
  gluSourcesExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { builtInGates } from './gates';
import { builtInFormats } from './formats';
import { apiSource } from './sources/api/apiSource';
import { gitSource } from './sources/git/gitSource';
import { createHelmSource } from './sources/helm/helmSource';
import { OciRegistryClient } from './sources/oci/OciRegistryClient';
import { createOciSource } from './sources/oci/ociSource';
import { readRegistries } from './sources/oci/registries';

/**
 * Glu's own sources and formats, registered through the same extension
 * points as anyone else's.
 */
export const gluModuleBuiltIns = createBackendModule({
  pluginId: 'glu',
  moduleId: 'built-ins',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        formats: gluFormatsExtensionPoint,
        sources: gluSourcesExtensionPoint,
        gates: gluGatesExtensionPoint,
      },
      async init({ config, formats, sources, gates }) {
        gates.addGate(...builtInGates);
        formats.addFormat(...builtInFormats);
        const registries = new OciRegistryClient({
          registries: readRegistries(config),
        });
        sources.addSource(
          gitSource,
          createOciSource(registries),
          createHelmSource(registries),
          apiSource,
        );
      },
    });
  },
});
