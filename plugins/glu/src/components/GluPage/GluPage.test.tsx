import { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/test-utils';
import { PipelineSummary } from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { digestOf, GLU_BASE_URL } from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { serveSetup } from '../../__testUtils__/server';
import { GluPage } from './GluPage';
import { PIPELINES_PAGE_SIZE } from './GluPipelinesContent';

const server = setupServer();
registerMswTestHooks(server);

function summary(
  name: string,
  owner: string,
  behind: number,
  versions: [string, string | undefined][] = [
    ['staging', '1.5.0'],
    ['production', '1.4.0'],
  ],
): PipelineSummary {
  return {
    ref: `pipeline:default/${name}`,
    name,
    namespace: 'default',
    title: name[0].toUpperCase() + name.slice(1),
    owner,
    components: [`component:default/${name}`],
    phases: versions.map(([phase, version]) =>
      version
        ? { name: phase, version, digest: digestOf(version) }
        : { name: phase },
    ),
    behind,
  };
}

/** The pipelines list like the backend: sorted, filtered by any of the owners, paged. */
function servePipelines(all: PipelineSummary[]) {
  const queries: Record<string, string>[] = [];
  const ownerQueries: string[][] = [];
  server.use(
    http.get(`${GLU_BASE_URL}/pipelines`, ({ request }) => {
      const search = new URL(request.url).searchParams;
      const params = Object.fromEntries(search);
      const owners = search.getAll('owner');
      queries.push(params);
      ownerQueries.push(owners);
      const limit = Number(params.limit ?? 50);
      const matching = all
        .filter(p => owners.length === 0 || owners.includes(p.owner))
        .filter(p => !params.cursor || p.ref > params.cursor);
      const items = matching.slice(0, limit);
      return HttpResponse.json({
        items,
        ...(matching.length > limit
          ? { nextCursor: items[items.length - 1].ref }
          : {}),
      });
    }),
  );
  return Object.assign(queries, { owners: ownerQueries });
}

const groups: Entity[] = ['team-checkout', 'team-platform'].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
}));

const rows = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(row => row.textContent ?? '');

describe('GluPage', () => {
  beforeEach(() => serveSetup(server));

  it("lists the definitions of the user's pipelines that the catalog refused, and why", async () => {
    servePipelines([]);
    serveSetup(server, {
      refusals: [
        {
          pipelineRef: 'pipeline:default/checkout',
          owner: 'group:default/team-checkout',
          reason:
            'spec.owner: group:default/team-checkout is not in the catalog',
          refusedAt: '2026-12-07T10:00:00Z',
        },
      ],
    });
    await renderGlu(<GluPage />, { entities: groups });

    const notice = await screen.findByTestId('glu-catalog-refusals');
    expect(notice).toHaveTextContent(
      'The catalog refused the definition of one of your pipelines; it does not appear until fixed',
    );
    expect(notice).toHaveTextContent(
      'pipeline:default/checkout (owned by team-checkout): spec.owner: group:default/team-checkout is not in the catalog',
    );
    expect(screen.queryByTestId('glu-write-scopes-notice')).toBeNull();
  });

  it('says plainly that no write scope is configured', async () => {
    servePipelines([summary('checkout', 'group:default/team-checkout', 1)]);
    serveSetup(server, { writeScopesConfigured: false });
    await renderGlu(<GluPage />, { entities: groups });

    expect(
      await screen.findByTestId('glu-write-scopes-notice'),
    ).toHaveTextContent(
      'No write scopes are configured (glu.writeScopes): Glu refuses every promotion until the platform says where pipelines may write.',
    );
    expect(screen.queryByTestId('glu-catalog-refusals')).toBeNull();
  });

  it("lists every pipeline with its phases' versions and how many phases are behind", async () => {
    servePipelines([
      summary('checkout', 'group:default/team-checkout', 1),
      summary('payments', 'group:default/team-platform', 0, [
        ['build', undefined],
        ['production', '2.0.0'],
      ]),
    ]);
    await renderGlu(<GluPage />, { entities: groups });

    const checkout = (
      await screen.findByRole('link', { name: 'Checkout' })
    ).closest('tr')!;
    expect(
      within(checkout).getByRole('link', { name: 'Checkout' }),
    ).toHaveAttribute('href', '/catalog/default/pipeline/checkout');
    expect(checkout).toHaveTextContent('staging 1.5.0');
    expect(checkout).toHaveTextContent('production 1.4.0');
    expect(checkout).toHaveTextContent('1 phase behind');
    expect(
      within(checkout).getByRole('link', { name: /team-checkout/ }),
    ).toHaveAttribute('href', '/catalog/default/group/team-checkout');
    expect(
      within(checkout).getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout');

    const payments = screen
      .getByRole('link', { name: 'Payments' })
      .closest('tr')!;
    expect(payments).toHaveTextContent('build —');
    expect(payments).toHaveTextContent('production 2.0.0');
    expect(payments).toHaveTextContent('up to date');
  });

  it('says which phases fail to refresh, and why', async () => {
    const failing = summary('checkout', 'group:default/team-checkout', 0);
    failing.phases[0].refreshError =
      'Could not fetch https://github.com/acme/gitops: connection refused';
    servePipelines([failing]);
    await renderGlu(<GluPage />, { entities: groups });

    const row = (await screen.findByRole('link', { name: 'Checkout' })).closest(
      'tr',
    )!;
    expect(row).toHaveTextContent('staging fails to refresh');
    expect(
      within(row).getByLabelText(
        'staging fails to refresh: Could not fetch https://github.com/acme/gitops: connection refused',
      ),
    ).toBeInTheDocument();
    expect(
      within(row).queryByLabelText(/production fails to refresh/),
    ).not.toBeInTheDocument();
  });

  it('shows how to use the command line as oneself: the backend and the token', async () => {
    servePipelines([]);
    await renderGlu(<GluPage />, { entities: groups });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Use from a terminal' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Use Glu from a terminal',
    });
    await waitFor(() =>
      expect(dialog).toHaveTextContent('export GLU_URL=http://localhost:7007'),
    );
    expect(dialog).toHaveTextContent('export GLU_TOKEN=the-guest-token');
    expect(dialog).toHaveTextContent('npx @glu-dev/glu-cli pipelines --mine');
    // npx finds the package only once it is published: the dialog says so.
    expect(dialog).toHaveTextContent(
      'npx runs @glu-dev/glu-cli once it is published to npm; until then, run the last line from a checkout of Glu for Backstage instead: yarn glu pipelines --mine.',
    );
  });

  it('keeps the copy button off the lines it copies, so the token shows whole', async () => {
    servePipelines([]);
    await renderGlu(<GluPage />, { entities: groups });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Use from a terminal' }),
    );
    const dialog = within(
      await screen.findByRole('dialog', { name: 'Use Glu from a terminal' }),
    );
    const token = await dialog.findByText(/export GLU_TOKEN=the-guest-token/);
    const copy = dialog.getByRole('button', { name: /copy/i });
    // Laid in the snippet's own box, the button sits over the end of the
    // lines; in a column of its own, it covers nothing.
    const snippet = token.closest('pre')!;
    expect(snippet.parentElement).not.toContainElement(copy);
  });

  it('shows only the pipelines of the groups the user belongs to, owned by me', async () => {
    const queries = servePipelines([
      summary('checkout', 'group:default/team-checkout', 1),
      summary('payments', 'group:default/team-platform', 0),
      summary('search', 'user:default/guest', 0),
    ]);
    await renderGlu(<GluPage />, {
      entities: groups,
      ownershipEntityRefs: [
        'user:default/guest',
        'group:default/team-checkout',
      ],
    });
    await screen.findByRole('link', { name: 'Payments' });
    const doraOwners: string[][] = [];
    server.use(
      http.get(`${GLU_BASE_URL}/dora`, ({ request }) => {
        const owner = new URL(request.url).searchParams.getAll('owner');
        doraOwners.push(owner);
        return HttpResponse.json({
          owner,
          from: '2026-11-01T00:00:00Z',
          to: '2026-12-01T00:00:00Z',
          figures: {
            deployments: 3,
            deploymentsPerWeek: 0.7,
            failedDeployments: 1,
            changeFailureRate: 0.333,
            days: [],
          },
          pipelines: [],
        });
      }),
    );
    // No DORA figures for every pipeline at once.
    expect(
      screen.queryByRole('group', { name: 'Deployment frequency' }),
    ).toBeNull();

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Owned by me' }),
    );
    // The figures of what the user owns, in one request.
    expect(
      await screen.findByRole('group', { name: 'Change failure rate' }),
    ).toHaveTextContent('33%1 failed');
    expect(doraOwners).toEqual([
      ['user:default/guest', 'group:default/team-checkout'],
    ]);
    await waitFor(() =>
      expect(screen.queryByRole('link', { name: 'Payments' })).toBeNull(),
    );
    expect(
      await screen.findByRole('link', { name: 'Checkout' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Search' })).toBeInTheDocument();
    // One request for the person and their groups.
    expect(queries.owners.filter(o => o.length > 0)).toEqual([
      ['user:default/guest', 'group:default/team-checkout'],
    ]);
  });

  it('filters by owner', async () => {
    const queries = servePipelines([
      summary('checkout', 'group:default/team-checkout', 1),
      summary('payments', 'group:default/team-platform', 0),
    ]);
    await renderGlu(<GluPage />, { entities: groups });
    await screen.findByRole('link', { name: 'Checkout' });

    await userEvent.click(screen.getByRole('textbox', { name: 'Owner' }));
    await userEvent.click(
      await screen.findByRole('option', {
        name: 'group:default/team-platform',
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('link', { name: 'Checkout' })).toBeNull(),
    );
    expect(screen.getByRole('link', { name: 'Payments' })).toBeInTheDocument();
    expect(queries[queries.length - 1]).toMatchObject({
      owner: 'group:default/team-platform',
    });
  });

  it('pages through many pipelines with the API cursor', async () => {
    const all = Array.from({ length: PIPELINES_PAGE_SIZE + 5 }, (_, i) =>
      summary(
        `app${String(i).padStart(2, '0')}`,
        'group:default/team-checkout',
        0,
      ),
    );
    const queries = servePipelines(all);
    await renderGlu(<GluPage />, { entities: groups });
    // A pipeline's link, looked for in its row: a role query over the
    // whole page would compute the style of every link on it.
    const linkTo = async (name: string) =>
      within((await screen.findByText(name)).closest('tr')!).getByRole('link', {
        name,
      });

    await linkTo('App00');
    expect(rows()).toHaveLength(PIPELINES_PAGE_SIZE);
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await linkTo('App24');
    expect(rows()).toHaveLength(5);
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(queries[queries.length - 1]).toMatchObject({
      limit: String(PIPELINES_PAGE_SIZE),
      cursor: 'pipeline:default/app19',
    });

    await userEvent.click(screen.getByRole('button', { name: 'Previous' }));
    await linkTo('App00');
  });
});
