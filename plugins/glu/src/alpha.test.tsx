import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import gluPlugin from './alpha';

const server = setupServer();
registerMswTestHooks(server);

describe('the plugin for the new frontend system', () => {
  it('brings the API, the entity tab, the cards and the pipelines page', () => {
    for (const id of [
      'api:glu',
      'entity-content:glu',
      'entity-card:glu/dora',
      'entity-card:glu/fleet',
      'page:glu',
    ] as const) {
      expect(gluPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('serves the pipelines page at /glu', async () => {
    server.use(
      // Wherever the app's discovery API says the backend is.
      http.get('*/api/glu/fleet', () =>
        HttpResponse.json({
          environments: ['production'],
          items: [
            {
              ref: 'pipeline:default/checkout',
              name: 'checkout',
              namespace: 'default',
              title: 'Checkout',
              owner: 'group:default/team-checkout',
              components: ['component:default/checkout'],
              cells: [
                {
                  environment: 'production',
                  phase: 'production',
                  version: '1.4.0',
                  digest: 'sha256:14',
                  status: 'up-to-date',
                  reasons: [],
                },
              ],
            },
          ],
        }),
      ),
      http.get('*/api/glu/pipelines', () =>
        HttpResponse.json({
          items: [
            {
              ref: 'pipeline:default/checkout',
              name: 'checkout',
              namespace: 'default',
              title: 'Checkout',
              owner: 'group:default/team-checkout',
              components: ['component:default/checkout'],
              phases: [
                { name: 'production', version: '1.4.0', digest: 'sha256:14' },
              ],
              behind: 0,
            },
          ],
        }),
      ),
    );
    renderTestApp({
      features: [gluPlugin],
      initialRouteEntries: ['/glu'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [catalogApiRef, catalogApiMock()],
        mockApis.identity({
          ownershipEntityRefs: ['group:default/team-checkout'],
        }),
      ],
    });
    // The whole app starts here: on a busy machine that takes a while.
    expect(
      await screen.findByText('production 1.4.0', undefined, {
        timeout: 50_000,
      }),
    ).toBeInTheDocument();

    // The fleet view comes with the page.
    await userEvent.click(screen.getByRole('tab', { name: 'Fleet' }));
    expect(
      await screen.findByRole('link', {
        name: 'Checkout in production: 1.4.0, up to date',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/pipeline/checkout/glu?phase=production',
    );
  });
});
