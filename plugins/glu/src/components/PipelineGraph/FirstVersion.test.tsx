import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  CHECKOUT_REF,
  checkoutView,
  phaseOf,
} from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { servePipeline } from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';

const server = setupServer();
registerMswTestHooks(server);

/**
 * The example pipeline as it is created: CI has published nothing to build
 * yet, so build holds nothing and the edge into staging waits for it.
 */
function brandNew() {
  return checkoutView(view => {
    delete phaseOf(view, 'build').state;
    view.edges[0] = {
      ...view.edges[0],
      status: 'blocked',
      reasons: ['build has not been observed yet'],
    };
  });
}

async function renderPhase(title: string) {
  await renderGlu(<PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />);
  return within(await screen.findByRole('region', { name: `Phase ${title}` }));
}

describe('a pipeline whose first phase has no version yet', () => {
  it('says how to publish the first version, by the CLI or over HTTP', async () => {
    servePipeline(server, brandNew);
    const build = await renderPhase('Build');

    expect(build.getByText('no version published yet')).toBeInTheDocument();
    expect(build.getByTestId('first-version')).toHaveTextContent(
      'glu publish checkout build --version 1.0.0 --digest sha256:…',
    );
    expect(build.getByTestId('first-version')).toHaveTextContent(
      'POST /api/glu/pipelines/default/checkout/phases/build/versions {"version": "1.0.0", "digest": "sha256:…"}',
    );
  });

  it('shows the edge from it waiting, not blocked in red', async () => {
    servePipeline(server, brandNew);
    const staging = await renderPhase('Staging');

    expect(
      staging.getByText('waiting for a first version'),
    ).toBeInTheDocument();
    expect(staging.queryByText('blocked')).not.toBeInTheDocument();
    expect(
      staging.queryByText('build has not been observed yet'),
    ).not.toBeInTheDocument();
    const promote = staging.getByRole('button', { name: 'Promote' });
    await waitFor(() =>
      expect(promote.parentElement).toHaveAttribute(
        'title',
        'Nothing to promote yet: no version has been published to build',
      ),
    );
    expect(promote).toBeDisabled();
  });

  it('still says why when the edge is held by something else as well', async () => {
    servePipeline(server, () =>
      checkoutView(view => {
        delete phaseOf(view, 'build').state;
        view.edges[0] = {
          ...view.edges[0],
          status: 'blocked',
          reasons: [
            'build has not been observed yet',
            'staging is pinned at 1.5.0 by user:default/alice: release freeze',
          ],
        };
      }),
    );
    const staging = await renderPhase('Staging');

    expect(staging.getByText('blocked')).toBeInTheDocument();
    expect(
      staging.getByText(
        'staging is pinned at 1.5.0 by user:default/alice: release freeze',
      ),
    ).toBeInTheDocument();
  });

  it('keeps a phase that fails to refresh an error, not an empty state', async () => {
    servePipeline(server, () =>
      checkoutView(view => {
        const build = phaseOf(view, 'build');
        delete build.state;
        build.source = {
          type: 'oci',
          repository: 'registry.example.com/acme/checkout',
          tag: 'latest',
        };
        build.refreshError = 'the registry answered 401';
      }),
    );
    const build = await renderPhase('Build');

    expect(build.getByText('not observed yet')).toBeInTheDocument();
    expect(build.queryByTestId('first-version')).not.toBeInTheDocument();
  });
});
