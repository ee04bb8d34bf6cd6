import { Quarantine } from '@glu-dev/plugin-glu-common';
import chalk from 'chalk';
import { ago } from './output';
import { quarantinesTable, quarantineText } from './quarantineViews';

const p = new chalk.Instance({ level: 0 });
/** Long enough ago that the words for it do not change during a test. */
const at = '2026-01-05T10:00:00.000Z';
const DIGEST =
  'sha256:4f1c0d2e3b4a5968778695a4b3c2d1e0f4f1c0d2e3b4a5968778695a4b3c2d1e';

const ofCheckout: Quarantine = {
  id: '2',
  pipelineRef: 'pipeline:default/checkout',
  version: '1.1.0',
  reason: 'leaks memory',
  quarantinedBy: 'user:default/alice',
  quarantinedAt: at,
  rollback: true,
  holding: [
    {
      pipelineRef: 'pipeline:default/checkout',
      phase: 'build',
      version: '1.1.0',
      digest: DIGEST,
    },
    {
      pipelineRef: 'pipeline:default/checkout',
      phase: 'staging',
      version: '1.1.0',
      digest: DIGEST,
    },
  ],
  rollbacks: [
    {
      pipelineRef: 'pipeline:default/checkout',
      phase: 'build',
      error: 'build is not writable',
    },
    {
      pipelineRef: 'pipeline:default/checkout',
      phase: 'staging',
      promotionId: '01abc',
      status: 'succeeded',
    },
  ],
};

const everywhere: Quarantine = {
  id: '1',
  digest: DIGEST,
  reason: 'CVE-2026-1234',
  quarantinedBy: 'user:default/rita',
  quarantinedAt: at,
  rollback: false,
  holding: ['checkout', 'payments', 'search', 'cart', 'auth', 'mail'].map(
    name => ({
      pipelineRef: `pipeline:default/${name}`,
      phase: 'production',
      version: '2.0.0',
      digest: DIGEST,
    }),
  ),
};

describe('quarantine views', () => {
  it('prints a quarantine with the phases that hold it and what became of each rollback', () => {
    expect(quarantineText(p, ofCheckout)).toBe(
      [
        'Quarantine 2: leaks memory',
        '  version    1.1.0',
        '  pipeline   default/checkout',
        `  by         user:default/alice, ${at} (${ago(at)})`,
        '  held in    build (1.1.0)',
        '             staging (1.1.0)',
        '  rollbacks  build: not rolled back: build is not writable',
        '             staging: rollback 01abc succeeded',
      ].join('\n'),
    );
    expect(quarantineText(p, { ...everywhere, holding: [] })).toBe(
      [
        'Quarantine 1: CVE-2026-1234',
        '  version    any with this digest',
        `  digest     ${DIGEST}`,
        '  pipeline   every pipeline',
        `  by         user:default/rita, ${at} (${ago(at)})`,
        '  held in    no phase',
      ].join('\n'),
    );
  });

  it('lists quarantines, one row each, the phases that hold one cut short', () => {
    const rows = quarantinesTable(p, [ofCheckout, everywhere]).split('\n');
    expect(rows[0]).toMatch(
      /^ID\s+PIPELINE\s+VERSION\s+REASON\s+BY\s+WHEN\s+HELD IN$/,
    );
    expect(rows[1]).toMatch(
      /^2\s+default\/checkout\s+1\.1\.0\s+leaks memory\s+user:default\/alice\s+\d+ days ago\s+build, staging$/,
    );
    expect(rows[2]).toMatch(
      /^1\s+every pipeline\s+digest 4f1c0d2e3b4a\s+CVE-2026-1234\s+user:default\/rita\s+\d+ days ago\s+default\/checkout production, .*default\/auth production and 1 more$/,
    );
    expect(quarantinesTable(p, [])).toBe('No quarantines.');
  });
});
