import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsExtensionPoint } from '@backstage/plugin-events-node/alpha';
import { timingSafeEqual } from 'node:crypto';
import { REGISTRY_TOPIC } from './EventTriggers';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Receives registry push notifications (the distribution registry's
 * `notifications`, Harbor's and others' webhooks in that format) at
 * `/api/events/http/glu-registry`. A request without the configured token
 * (`Authorization: Bearer <glu.webhooks.registry.token>`) is refused and
 * logged.
 *
 * @public
 */
export const eventsModuleGluRegistryWebhook = createBackendModule({
  pluginId: 'events',
  moduleId: 'glu-registry-webhook',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        events: eventsExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ config, events, logger }) {
        const token = config.getOptionalString('glu.webhooks.registry.token');
        if (!token) {
          logger.info(
            'Registry notifications are off: set glu.webhooks.registry.token to receive them',
          );
          return;
        }
        events.addHttpPostIngress({
          topic: REGISTRY_TOPIC,
          async validator(request, context) {
            const header = String(request.headers.authorization ?? '');
            const given = header.replace(/^Bearer\s+/i, '');
            if (!header || !sameSecret(given, token)) {
              logger.warn(
                `Refused a registry notification without the right token (from ${
                  request.headers['user-agent'] ?? 'an unknown client'
                })`,
              );
              context.reject({
                status: 403,
                payload: { message: 'invalid token' },
              });
            }
          },
        });
      },
    });
  },
});
