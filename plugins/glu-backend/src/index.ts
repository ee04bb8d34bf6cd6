/**
 * The Glu backend plugin for Backstage.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { gluModuleBuiltIns } from './builtIns';
import { gluPlugin } from './plugin';

/**
 * The Glu backend: the plugin and its built-in sources and formats.
 *
 * @public
 */
export default createBackendFeatureLoader({
  *loader() {
    yield gluPlugin;
    yield gluModuleBuiltIns;
  },
});

export { gluPlugin, gluModuleBuiltIns };
export { eventsModuleGluRegistryWebhook } from './triggers/eventsModule';
