import { discoveryApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';

/** The messages of the signal API (JSON objects). */
type JsonObject = Parameters<SignalApi['subscribe']>[1] extends (
  message: infer T,
) => void
  ? T
  : never;
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { GluClient } from '@glu-dev/plugin-glu-common';
import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { gluApiRef } from '../api';
import { GLU_BASE_URL } from './fixtures';

/** A signal API whose messages a test sends by hand. */
export class TestSignals implements SignalApi {
  private readonly listeners = new Map<
    string,
    Set<(message: JsonObject) => void>
  >();

  subscribe<T extends JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const set = this.listeners.get(channel) ?? new Set();
    this.listeners.set(channel, set);
    const listener = onMessage as (message: JsonObject) => void;
    set.add(listener);
    return { unsubscribe: () => set.delete(listener) };
  }

  publish(channel: string, message: JsonObject) {
    for (const listener of this.listeners.get(channel) ?? []) {
      listener(message);
    }
  }
}

export type RenderOptions = {
  /** What the permission policy says: everything allowed by default. */
  authorize?:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY
    | ((
        request: EvaluatePermissionRequest,
      ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY);
  entities?: Entity[];
  signals?: TestSignals;
  /** Who is signed in: a member of team-checkout by default. */
  userEntityRef?: string;
  ownershipEntityRefs?: string[];
  /** Where the app starts, e.g. `/?view=fleet`. */
  routeEntries?: string[];
};

/**
 * Renders Glu's components in a test app, with the real Glu client talking
 * to the API that msw serves at {@link GLU_BASE_URL}.
 */
export async function renderGlu(
  element: ReactElement,
  options: RenderOptions = {},
) {
  const gluApi = new GluClient({
    discoveryApi: { getBaseUrl: async () => GLU_BASE_URL },
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gluApiRef, gluApi],
        [
          discoveryApiRef,
          mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
        ],
        [catalogApiRef, catalogApiMock({ entities: options.entities ?? [] })],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.authorize ?? AuthorizeResult.ALLOW,
          }),
        ],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: options.userEntityRef ?? 'user:default/guest',
            token: 'the-guest-token',
            ownershipEntityRefs: options.ownershipEntityRefs ?? [
              options.userEntityRef ?? 'user:default/guest',
              'group:default/team-checkout',
            ],
          }),
        ],
        ...(options.signals
          ? ([[signalApiRef, options.signals]] as const)
          : []),
      ]}
    >
      {/* usePermission caches decisions with SWR: a fresh cache per test. */}
      <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      ...(options.routeEntries ? { routeEntries: options.routeEntries } : {}),
    },
  );
}
