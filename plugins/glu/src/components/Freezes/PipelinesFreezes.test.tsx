import { registerMswTestHooks } from '@backstage/test-utils';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
  isPermission,
} from '@backstage/plugin-permission-common';
import { Freeze, gluFreezePermission } from '@glu-dev/plugin-glu-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GLU_BASE_URL } from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { serveSetup } from '../../__testUtils__/server';
import { GluPage } from '../GluPage/GluPage';

const server = setupServer();
registerMswTestHooks(server);

const hour = 3600_000;

const blackFriday: Freeze = {
  id: '7',
  reason: 'Black Friday',
  scope: { phases: ['production'] },
  rollbacks: true,
  setBy: 'user:default/rita',
  startsAt: new Date(Date.now() - hour).toISOString(),
  endsAt: new Date(Date.now() + 48 * hour).toISOString(),
  origin: 'api',
  active: true,
};

const quarterEnd: Freeze = {
  id: 'config:quarter-end',
  reason: 'Quarter-end close',
  scope: { owners: ['group:default/team-payments'] },
  rollbacks: false,
  setBy: 'app-config',
  startsAt: new Date(Date.now() - 2 * hour).toISOString(),
  endsAt: new Date(Date.now() + 22 * hour).toISOString(),
  origin: 'config',
  active: true,
  recurrence: 'FREQ=MONTHLY;BYMONTHDAY=-1',
};

const migration: Freeze = {
  id: '8',
  reason: 'Database migration',
  scope: { pipelines: ['pipeline:default/payments'] },
  rollbacks: false,
  setBy: 'user:default/rita',
  startsAt: new Date(Date.now() + 72 * hour).toISOString(),
  origin: 'api',
  active: false,
};

/** The freezes like the backend: set, listed and lifted. Records what was asked. */
function serveFreezes(initial: Freeze[]) {
  let freezes = [...initial];
  const set: unknown[] = [];
  const lifted: string[] = [];
  server.use(
    http.get(`${GLU_BASE_URL}/pipelines`, () =>
      HttpResponse.json({ items: [] }),
    ),
    http.get(`${GLU_BASE_URL}/freezes`, () =>
      HttpResponse.json({ items: freezes }),
    ),
    http.post(`${GLU_BASE_URL}/freezes`, async ({ request }) => {
      const body = (await request.json()) as Partial<Freeze>;
      set.push(body);
      const freeze: Freeze = {
        id: '9',
        reason: body.reason!,
        scope: body.scope ?? {},
        rollbacks: body.rollbacks ?? false,
        setBy: 'user:default/guest',
        startsAt: new Date().toISOString(),
        ...(body.endsAt ? { endsAt: body.endsAt } : {}),
        origin: 'api',
        active: true,
      };
      freezes = [freeze, ...freezes];
      return HttpResponse.json(freeze);
    }),
    http.delete(`${GLU_BASE_URL}/freezes/:id`, ({ params }) => {
      lifted.push(String(params.id));
      freezes = freezes.filter(f => f.id !== params.id);
      return new HttpResponse(null, { status: 204 });
    }),
  );
  return { set, lifted };
}

/** A policy that grants glu.freeze.manage or not, and records what it was asked. */
function policy(releaseManager: boolean) {
  const asked: EvaluatePermissionRequest[] = [];
  return {
    asked,
    authorize: (request: EvaluatePermissionRequest) => {
      asked.push(request);
      if (isPermission(request.permission, gluFreezePermission)) {
        return releaseManager ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
      }
      return AuthorizeResult.ALLOW;
    },
  };
}

const freezeItem = (reason: string) =>
  screen.findByRole('listitem', { name: `Freeze: ${reason}` });

describe('the freezes on the pipelines page', () => {
  beforeEach(() => serveSetup(server));

  it('shows everyone the freezes that hold promotions, and those to come apart', async () => {
    serveFreezes([blackFriday, quarterEnd, migration]);
    const { asked, authorize } = policy(false);
    await renderGlu(<GluPage />, { authorize });

    const active = await screen.findByTestId('glu-active-freezes');
    expect(active).toHaveTextContent('2 freezes hold promotions');
    const friday = await freezeItem('Black Friday');
    expect(friday).toHaveTextContent(
      'Black Friday — phases production of every pipeline; set by rita since',
    );
    expect(friday).toHaveTextContent('Rollbacks are frozen too.');
    const quarter = await freezeItem('Quarter-end close');
    expect(quarter).toHaveTextContent(
      'pipelines owned by group:default/team-payments',
    );
    // From app-config: its recurrence, and no lifting it here.
    expect(quarter).toHaveTextContent(
      'From app-config (glu.freezes), recurring: FREQ=MONTHLY;BYMONTHDAY=-1',
    );
    const upcoming = screen.getByTestId('glu-upcoming-freezes');
    expect(upcoming).toHaveTextContent('A freeze to come');
    expect(upcoming).toHaveTextContent('Database migration');
    expect(within(upcoming).getByText(/from .*, until lifted/)).toBeTruthy();
    expect(active).not.toHaveTextContent('Database migration');

    // Not a release manager: nothing to set or lift.
    await waitFor(() =>
      expect(
        asked.some(r => isPermission(r.permission, gluFreezePermission)),
      ).toBe(true),
    );
    expect(screen.queryByRole('button', { name: 'Freeze' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Lift/ })).toBeNull();
    // A permission of the organization, not of a pipeline.
    const freezeRequest = asked.find(r =>
      isPermission(r.permission, gluFreezePermission),
    );
    expect(freezeRequest?.resourceRef).toBeUndefined();
  });

  it('lets a release manager set a freeze, and lists it', async () => {
    const { set } = serveFreezes([]);
    const { authorize } = policy(true);
    await renderGlu(<GluPage />, { authorize });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Freeze' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const confirm = dialog.getByRole('button', { name: 'Freeze' });
    // The reason is required.
    expect(confirm).toBeDisabled();
    expect(dialog.getByTestId('freeze-scope')).toHaveTextContent(
      'Covers every phase of every pipeline.',
    );
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Black Friday',
    );
    await userEvent.type(
      dialog.getByRole('textbox', { name: 'Owners' }),
      'group:default/team-checkout, group:default/team-payments,',
    );
    await userEvent.type(
      dialog.getByRole('textbox', { name: 'Phases' }),
      'production',
    );
    await userEvent.click(
      dialog.getByRole('checkbox', { name: 'Freeze rollbacks too' }),
    );
    expect(dialog.getByTestId('freeze-scope')).toHaveTextContent(
      'Covers phases production of pipelines owned by group:default/team-checkout, group:default/team-payments.',
    );
    await userEvent.click(confirm);

    expect(
      await dialog.findByText(/Freeze 9 is set: it holds promotions now/),
    ).toBeInTheDocument();
    expect(set).toEqual([
      {
        reason: 'Black Friday',
        scope: {
          owners: [
            'group:default/team-checkout',
            'group:default/team-payments',
          ],
          phases: ['production'],
        },
        rollbacks: true,
      },
    ]);
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    expect(await freezeItem('Black Friday')).toHaveTextContent(
      'set by guest since',
    );
  });

  it('sends the end time given, and refuses one in the past', async () => {
    const { set } = serveFreezes([]);
    const { authorize } = policy(true);
    await renderGlu(<GluPage />, { authorize });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Freeze' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'Release of the mobile app',
    );
    const ends = dialog.getByLabelText('Ends');
    await userEvent.type(ends, '2001-01-01T10:00');
    expect(dialog.getByText('The end is in the past')).toBeInTheDocument();
    const confirm = dialog.getByRole('button', { name: 'Freeze' });
    expect(confirm).toBeDisabled();
    await userEvent.clear(ends);
    await userEvent.type(ends, '2099-12-24T18:00');
    await waitFor(() => expect(confirm).toBeEnabled());
    await userEvent.click(confirm);

    await dialog.findByText(/Freeze 9 is set/);
    expect(set).toEqual([
      {
        reason: 'Release of the mobile app',
        scope: {},
        endsAt: new Date('2099-12-24T18:00').toISOString(),
        rollbacks: false,
      },
    ]);
  });

  it('lets a release manager lift a freeze set at run time, not one from app-config', async () => {
    const { lifted } = serveFreezes([blackFriday, quarterEnd]);
    const { authorize } = policy(true);
    await renderGlu(<GluPage />, { authorize });

    const quarter = within(await freezeItem('Quarter-end close'));
    expect(quarter.queryByRole('button', { name: /^Lift/ })).toBeNull();
    const friday = within(await freezeItem('Black Friday'));
    await userEvent.click(
      await friday.findByRole('button', {
        name: 'Lift the freeze: Black Friday',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText('Lift the freeze')).toBeInTheDocument();
    await userEvent.click(dialog.getByRole('button', { name: 'Lift' }));

    expect(await dialog.findByText('Lifted the freeze.')).toBeInTheDocument();
    expect(lifted).toEqual(['7']);
    // The dialog hides the page from queries by role while it is open.
    await userEvent.click(dialog.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() =>
      expect(
        screen.queryByRole('listitem', { name: 'Freeze: Black Friday' }),
      ).toBeNull(),
    );
    expect(screen.getByTestId('glu-active-freezes')).toHaveTextContent(
      'A freeze holds promotions',
    );
  });
});
