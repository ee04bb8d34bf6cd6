import { approvalsGate } from './approvals';
import { checksGate } from './checks';
import { soakGate } from './soak';
import { windowGate } from './window';

const context = (since: string, now: string) => ({
  pipelineRef: 'pipeline:default/checkout',
  from: {
    phase: 'staging',
    digest: 'sha256:a',
    version: '1.5.0',
    since: new Date(since),
  },
  to: { phase: 'production', digest: 'sha256:b', version: '1.4.0' },
  approvals: [] as string[],
  now: new Date(now),
});

describe('soak', () => {
  it('blocks until the upstream phase has held the version long enough', async () => {
    await expect(
      soakGate.evaluate(
        '30m',
        context('2026-11-27T10:00:00Z', '2026-11-27T10:12:00Z'),
      ),
    ).resolves.toEqual({
      passed: false,
      reason: 'staging has held 1.5.0 for 12m of 30m',
    });
    await expect(
      soakGate.evaluate(
        '30m',
        context('2026-11-27T10:00:00Z', '2026-11-27T10:31:00Z'),
      ),
    ).resolves.toMatchObject({ passed: true });
    expect(soakGate.validate!('soon')).toEqual([
      'must be a duration like 30m, 2h or 1d',
    ]);
  });
});

describe('window', () => {
  const freeze = { deny: [{ days: ['fri'] }], timezone: 'Europe/Berlin' };

  it('refuses promotions in a Friday freeze, in the time zone given', async () => {
    // Friday 00:30 in Berlin, still Thursday in UTC.
    await expect(
      windowGate.evaluate(
        freeze,
        context('2026-11-26T00:00:00Z', '2026-11-26T23:30:00Z'),
      ),
    ).resolves.toEqual({
      passed: false,
      reason: 'no promotions fri 00:00-24:00 (now Fri 00:30 Europe/Berlin)',
    });
    await expect(
      windowGate.evaluate(
        freeze,
        context('2026-11-26T00:00:00Z', '2026-11-26T12:00:00Z'),
      ),
    ).resolves.toMatchObject({ passed: true });
  });

  it('allows promotions only inside allow slots', async () => {
    const office = {
      allow: [
        { days: ['mon', 'tue', 'wed', 'thu'], from: '09:00', to: '17:00' },
      ],
    };
    await expect(
      windowGate.evaluate(
        office,
        context('2026-11-23T00:00:00Z', '2026-11-24T18:00:00Z'),
      ),
    ).resolves.toEqual({
      passed: false,
      reason:
        'promotions only mon, tue, wed, thu 09:00-17:00 (now Tue 18:00 UTC)',
    });
    await expect(
      windowGate.evaluate(
        office,
        context('2026-11-23T00:00:00Z', '2026-11-24T10:00:00Z'),
      ),
    ).resolves.toMatchObject({ passed: true });
    expect(
      windowGate.validate!({ allow: [{ days: ['someday'], from: '9' }] }),
    ).toEqual([
      '"someday" is not a day of the week',
      '"9" is not a time like 09:00',
    ]);
  });
});

describe('approvals', () => {
  it('passes once enough distinct people approved the version', async () => {
    const base = context('2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z');
    await expect(
      approvalsGate.evaluate(2, { ...base, approvals: ['user:default/alice'] }),
    ).resolves.toEqual({
      passed: false,
      reason: '1 of 2 approvals for 1.5.0 (user:default/alice)',
    });
    await expect(
      approvalsGate.evaluate(2, {
        ...base,
        approvals: ['user:default/alice', 'user:default/carol'],
      }),
    ).resolves.toMatchObject({ passed: true });
    expect(approvalsGate.validate!(0)).toEqual([
      'must be how many people must approve, e.g. 2, or a policy, e.g. { from: [{ group: sre, count: 2 }], notBy: [requester, author] }',
    ]);
  });
});

describe('checks', () => {
  const base = context('2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z');
  const withChecks = (checks: any[]) => ({
    ...base,
    pullRequest: {
      number: 7,
      url: 'https://github.com/acme/gitops/pull/7',
      checks,
    },
  });

  it('lets the pull request open, then waits for the required checks before merge', async () => {
    await expect(checksGate.evaluate(['build', 'e2e'], base)).resolves.toEqual({
      passed: true,
      reason: 'checked on the pull request, before it merges',
    });
    await expect(
      checksGate.evaluate(
        ['build', 'e2e'],
        withChecks([{ name: 'build', state: 'success' }]),
      ),
    ).resolves.toEqual({
      passed: false,
      reason: 'waiting for e2e (not reported yet) on #7',
    });
    await expect(
      checksGate.evaluate(
        { required: ['build', 'e2e'] },
        withChecks([
          { name: 'build', state: 'success' },
          { name: 'e2e', state: 'failure' },
        ]),
      ),
    ).resolves.toEqual({ passed: false, reason: 'e2e failed on #7' });
    await expect(
      checksGate.evaluate(
        ['build', 'e2e'],
        withChecks([
          { name: 'build', state: 'success' },
          { name: 'e2e', state: 'failure' },
          // A re-run: the latest report counts.
          { name: 'e2e', state: 'success' },
          { name: 'lint', state: 'failure' },
        ]),
      ),
    ).resolves.toEqual({ passed: true, reason: 'build, e2e passed on #7' });
  });

  it('with "all", waits for at least one check and for every check reported', async () => {
    await expect(checksGate.evaluate('all', withChecks([]))).resolves.toEqual({
      passed: false,
      reason: 'no checks reported on #7 yet',
    });
    await expect(
      checksGate.evaluate(
        'all',
        withChecks([
          { name: 'build', state: 'success' },
          { name: 'docs', state: 'skipped' },
          { name: 'lint', state: 'pending' },
        ]),
      ),
    ).resolves.toEqual({ passed: false, reason: 'waiting for lint on #7' });
    expect(checksGate.validate!(['build'])).toEqual([]);
    expect(checksGate.validate!(3)).toEqual([
      'must be "all", or the names of the required checks, e.g. [build, e2e]',
    ]);
  });
});
