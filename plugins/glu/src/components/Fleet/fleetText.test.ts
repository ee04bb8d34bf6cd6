import { fleetRow } from '../../__testUtils__/fleet';
import {
  defaultComparison,
  fleetTablePage,
  groupFleet,
  matchesText,
  mergeEnvironments,
  NO_SYSTEM,
  shortDuration,
} from './fleetText';

describe('the fleet in words', () => {
  it('says how long in one unit', () => {
    expect(shortDuration(30)).toBe('<1m');
    expect(shortDuration(12 * 60)).toBe('12m');
    expect(shortDuration(5 * 3600 + 59 * 60)).toBe('5h');
    expect(shortDuration(3 * 86_400 + 3600)).toBe('3d');
    expect(shortDuration(90 * 86_400)).toBe('3mo');
  });

  it('merges the columns of several pages, upstream first', () => {
    expect(
      mergeEnvironments([
        ['staging', 'production'],
        ['dev', 'staging', 'production'],
        ['staging', 'canary', 'production'],
        ['qa'],
      ]),
    ).toEqual(['dev', 'staging', 'canary', 'production', 'qa']);
  });

  it('compares staging to production when both are there, else the last two', () => {
    expect(defaultComparison(['dev', 'staging', 'production', 'dr'])).toEqual({
      from: 'staging',
      to: 'production',
    });
    expect(defaultComparison(['dev', 'qa', 'prod'])).toEqual({
      from: 'qa',
      to: 'prod',
    });
    expect(defaultComparison(['prod'])).toBeUndefined();
  });

  it('filters on the name or the title, ignoring case', () => {
    const row = fleetRow('checkout', { title: 'Checkout service' });
    expect(matchesText(row, 'SERVICE')).toBe(true);
    expect(matchesText(row, 'check')).toBe(true);
    expect(matchesText(row, 'cart')).toBe(false);
    expect(matchesText(row, '  ')).toBe(true);
  });

  it('groups by system, those without one last', () => {
    const groups = groupFleet(
      [
        fleetRow('cart'),
        fleetRow('checkout', { system: 'system:default/shop' }),
        fleetRow('billing', { system: 'system:default/money' }),
      ],
      'system',
    );
    expect(groups.map(g => [g.key, g.rows.map(r => r.name)])).toEqual([
      ['system:default/money', ['billing']],
      ['system:default/shop', ['checkout']],
      [NO_SYSTEM, ['cart']],
    ]);
  });

  it('pages the grouped rows, repeating the heading of a group cut by a page', () => {
    const rows = ['a', 'b', 'c', 'd', 'e'].map(name =>
      fleetRow(name, { owner: `group:default/${name < 'c' ? 'x' : 'y'}` }),
    );
    const groups = groupFleet(rows, 'owner');
    const show = (page: number) =>
      fleetTablePage(groups, page, 2).map(line =>
        line.type === 'group' ? `#${line.key}` : line.row.name,
      );
    expect(show(0)).toEqual(['#group:default/x', 'a', 'b']);
    expect(show(1)).toEqual(['#group:default/y', 'c', 'd']);
    expect(show(2)).toEqual(['#group:default/y', 'e']);
    expect(show(3)).toEqual([]);
  });
});
