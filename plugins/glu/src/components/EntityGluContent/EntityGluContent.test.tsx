import { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { checkoutView } from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { servePipeline, serveSetup } from '../../__testUtils__/server';
import { EntityGluContent } from './EntityGluContent';

const server = setupServer();
registerMswTestHooks(server);

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { owner: 'group:default/team-checkout', type: 'service' },
};

const pipeline: Entity = {
  apiVersion: 'glu.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    title: 'Checkout delivery',
    description: 'staging, then production',
  },
  spec: { owner: 'group:default/team-checkout' },
  relations: [{ type: 'delivers', targetRef: 'component:default/checkout' }],
};

async function renderTab(
  entity: Entity,
  entities: Entity[],
  routeEntries?: string[],
) {
  await renderGlu(
    <EntityProvider entity={entity}>
      <EntityGluContent />
    </EntityProvider>,
    { entities: [entity, ...entities], routeEntries },
  );
}

describe('EntityGluContent', () => {
  beforeEach(() => serveSetup(server));

  it('says on the tab that no write scope is configured', async () => {
    servePipeline(server, () => checkoutView());
    serveSetup(server, { writeScopesConfigured: false });
    await renderTab(component, [pipeline]);

    expect(
      await screen.findByTestId('glu-write-scopes-notice'),
    ).toHaveTextContent(
      'No write scopes are configured (glu.writeScopes): Glu refuses every promotion until the platform says where pipelines may write.',
    );
  });

  it('explains how to add a pipeline when none delivers the component', async () => {
    await renderTab(component, []);

    expect(
      await screen.findByText('No pipeline delivers this component yet'),
    ).toBeInTheDocument();
    // The example names this component and its owner, ready to copy.
    const text = document.body.textContent ?? '';
    expect(text).toContain('components: [component:default/checkout]');
    expect(text).toContain('owner: group:default/team-checkout');
    expect(screen.queryByRole('region', { name: /^Phase / })).toBeNull();
  });

  it('shows the pipelines that deliver the component, linked to their entity', async () => {
    servePipeline(server, () => checkoutView());
    await renderTab(component, [pipeline]);

    expect(
      await screen.findByRole('link', { name: 'Checkout delivery' }),
    ).toHaveAttribute('href', '/catalog/default/pipeline/checkout');
    expect(screen.getByText('staging, then production')).toBeInTheDocument();
    const production = within(
      await screen.findByRole('region', { name: 'Phase Production' }),
    );
    expect(production.getByText('1.4.0')).toBeInTheDocument();
  });

  it('shows the pipeline itself on a Pipeline entity', async () => {
    servePipeline(server, () => checkoutView());
    await renderTab(pipeline, []);

    expect(await screen.findByText('Checkout delivery')).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'Checkout delivery' }),
    ).toBeNull();
    expect(
      await screen.findByRole('region', { name: 'Phase Staging' }),
    ).toBeInTheDocument();
  });

  it('opens at the phase that the link names', async () => {
    servePipeline(server, () => checkoutView());
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = function scrollIntoView(this: Element) {
      scrolled.push(this);
    };
    try {
      await renderTab(pipeline, [], ['/glu?phase=production']);
      const production = await screen.findByRole('region', {
        name: 'Phase Production',
      });
      await waitFor(() => expect(production).toHaveFocus());
      expect(production).toHaveAttribute('aria-current', 'location');
      expect(scrolled).toEqual([production]);
      expect(
        screen.getByRole('region', { name: 'Phase Staging' }),
      ).not.toHaveAttribute('aria-current');
    } finally {
      delete (Element.prototype as Partial<Element>).scrollIntoView;
    }
  });
});
