import { Entity } from '@backstage/catalog-model';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import { EntityGluContent } from './EntityGluContent';

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

async function renderTab(entity: Entity, entities: Entity[]) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [catalogApiRef, catalogApiMock({ entities: [entity, ...entities] })],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityGluContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityGluContent', () => {
  it('explains how to add a pipeline when none delivers the component', async () => {
    await renderTab(component, []);

    expect(
      await screen.findByText('No pipeline delivers this component yet'),
    ).toBeInTheDocument();
    // The example names this component and its owner, ready to copy.
    const text = document.body.textContent ?? '';
    expect(text).toContain('components: [component:default/checkout]');
    expect(text).toContain('owner: group:default/team-checkout');
  });

  it('lists the pipelines that deliver the component', async () => {
    await renderTab(component, [pipeline]);

    expect(await screen.findByText('Checkout delivery')).toBeInTheDocument();
    expect(screen.getByText('staging, then production')).toBeInTheDocument();
  });

  it('shows the pipeline itself on a Pipeline entity', async () => {
    await renderTab(pipeline, []);

    expect(await screen.findByText('Checkout delivery')).toBeInTheDocument();
  });
});
