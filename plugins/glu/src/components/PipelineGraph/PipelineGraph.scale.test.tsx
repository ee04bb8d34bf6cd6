import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { performance } from 'node:perf_hooks';
import {
  chainView,
  CHECKOUT_REF,
  historyEntry,
} from '../../__testUtils__/fixtures';
import { renderGlu } from '../../__testUtils__/render';
import { servePipeline, serveHistory } from '../../__testUtils__/server';
import { PipelineCard } from '../PipelineCard/PipelineCard';
import { HISTORY_PAGE_SIZE } from '../PhaseHistory/PhaseHistoryDialog';

/**
 * How long one step may take: rendering 50 phases or a page of history in
 * jsdom takes seconds on a busy machine. Timings are read, never asserted.
 */
const BUSY_MILLIS = 60_000;

const server = setupServer();
registerMswTestHooks(server);

/*
 * A 50-phase pipeline and a phase with 500 history entries: the graph renders
 * every phase once, and the history is read and rendered a page at a time.
 * Timings are printed for a human to read, not asserted.
 */
describe('a large pipeline', () => {
  it('renders 50 phases and pages through 500 history entries', async () => {
    const view = chainView(50);
    servePipeline(server, () => view);
    const history = Array.from({ length: 500 }, (_, i) =>
      historyEntry('p49', String(500 - i), `1.0.${499 - i}`, {
        cause: 'promotion',
        actor: 'user:default/alice',
        observedAt: new Date(Date.now() - i * 3600_000).toISOString(),
      }),
    );
    const requests = serveHistory(server, 'p49', () => history);

    let start = performance.now();
    await renderGlu(
      <PipelineCard pipelineRef={CHECKOUT_REF} title="Checkout" />,
    );
    await waitFor(
      () =>
        expect(
          document.querySelectorAll('[role="region"][aria-label^="Phase "]'),
        ).toHaveLength(50),
      { interval: 5, timeout: BUSY_MILLIS },
    );
    const renderMs = performance.now() - start;
    const last = screen.getByRole('region', { name: 'Phase p49' });
    const regions = screen.getAllByRole('region', { name: /^Phase / });
    expect(regions).toHaveLength(50);
    // Left to right in DAG order: one column per phase of the chain.
    expect(regions.map(r => r.getAttribute('aria-label'))).toEqual(
      view.phases.map(p => `Phase ${p.name}`),
    );

    start = performance.now();
    await userEvent.click(
      within(last).getByRole('button', { name: 'History' }),
    );
    const dialog = within(
      await screen.findByRole('dialog', undefined, { timeout: BUSY_MILLIS }),
    );
    let timeline = within(
      await dialog.findByTestId('phase-history', undefined, {
        timeout: BUSY_MILLIS,
      }),
    );
    const firstPageMs = performance.now() - start;
    expect(timeline.getAllByRole('listitem')).toHaveLength(HISTORY_PAGE_SIZE);
    expect(timeline.getAllByRole('listitem')[0]).toHaveTextContent('1.0.499');

    // Plain DOM reads while timing: role queries over a large DOM are slow
    // in jsdom and would measure the test rather than the component.
    const historyItems = () =>
      Array.from(
        document.querySelectorAll('[data-testid="phase-history"] > li'),
      );
    const pageTimes: number[] = [];
    const older = dialog.getByRole('button', { name: 'Older' });
    for (let page = 2; page <= 500 / HISTORY_PAGE_SIZE; page++) {
      const first = `1.0.${499 - (page - 1) * HISTORY_PAGE_SIZE}`;
      start = performance.now();
      fireEvent.click(older);
      await waitFor(
        () => expect(historyItems()[0]?.textContent).toContain(first),
        { interval: 5, timeout: BUSY_MILLIS },
      );
      pageTimes.push(performance.now() - start);
      // Never more than a page on screen.
      expect(historyItems()).toHaveLength(HISTORY_PAGE_SIZE);
    }
    expect(dialog.getByText('Page 25')).toBeInTheDocument();
    timeline = within(dialog.getByTestId('phase-history'));
    // The last page ends with the oldest entry, and there is nothing older.
    const items = timeline.getAllByRole('listitem');
    expect(items[items.length - 1]).toHaveTextContent('1.0.0');
    expect(older).toBeDisabled();
    expect(requests.map(r => r.cursor)).toEqual([
      undefined,
      ...Array.from({ length: 24 }, (_, i) =>
        String((i + 1) * HISTORY_PAGE_SIZE),
      ),
    ]);

    const average = pageTimes.reduce((a, b) => a + b, 0) / pageTimes.length;
    // eslint-disable-next-line no-console
    console.log(
      [
        `50-phase pipeline rendered in ${renderMs.toFixed(0)} ms`,
        `first history page of 500 entries in ${firstPageMs.toFixed(0)} ms`,
        `24 more pages in ${average.toFixed(
          0,
        )} ms each on average (slowest ${Math.max(...pageTimes).toFixed(
          0,
        )} ms)`,
      ].join('\n'),
    );
  }, 600_000);
});
