import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  gluFormatsExtensionPoint,
  gluSourcesExtensionPoint,
} from '@glu-dev/plugin-glu-node';
import { builtInFormats } from './formats';
import { gitSource } from './sources/git/gitSource';

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
        formats: gluFormatsExtensionPoint,
        sources: gluSourcesExtensionPoint,
      },
      async init({ formats, sources }) {
        formats.addFormat(...builtInFormats);
        sources.addSource(gitSource);
      },
    });
  },
});
