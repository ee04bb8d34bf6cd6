import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { timingSafeEqual } from 'node:crypto';

/** The header that names the user to sign in as. */
export const SIGN_IN_USER_HEADER = 'x-suite-user';
/** The header that proves the request comes from the suite. */
export const SIGN_IN_SECRET_HEADER = 'x-suite-secret';

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A sign-in provider for the suite's replicas (`/api/auth/suite/refresh`):
 * it signs in as the catalog's User named in `x-suite-user`, for requests
 * that carry the secret of `auth.providers.suite.secret`, which only the
 * suite knows. The tokens are the auth backend's own, as any sign-in
 * provider's are, with the user's groups as ownership.
 */
export const authModuleSuiteProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'suite-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        const secret = config.getString('auth.providers.suite.secret');
        providers.registerProvider({
          providerId: 'suite',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async (result: { name: string }) => ({
                profile: { displayName: result.name },
              }),
              initialize: () => undefined,
              async authenticate({ req }) {
                const given = String(req.header(SIGN_IN_SECRET_HEADER) ?? '');
                const name = String(req.header(SIGN_IN_USER_HEADER) ?? '');
                if (!name || !same(given, secret)) {
                  throw new NotAllowedError('Not the suite');
                }
                return { result: { name } };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: { name: result.name } }),
          }),
        });
      },
    });
  },
});
