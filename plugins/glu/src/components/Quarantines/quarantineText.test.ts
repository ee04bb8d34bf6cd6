import { Quarantine } from '@glu-dev/plugin-glu-common';
import {
  phaseLabel,
  quarantinedLabel,
  rollbackLabel,
  scopeLabel,
} from './quarantineText';

const checkout = 'pipeline:default/checkout';

describe('the words for quarantines', () => {
  it('names what a quarantine holds back: its version, else its short digest', () => {
    expect(quarantinedLabel({ version: '2.0.0', digest: 'sha256:4f1c' })).toBe(
      '2.0.0',
    );
    expect(quarantinedLabel({ digest: `sha256:${'4f1c'.repeat(16)}` })).toBe(
      '4f1c4f1c4f1c',
    );
  });

  it('says where a quarantine applies', () => {
    const base: Quarantine = {
      id: '3',
      reason: 'CVE-2026-1234',
      quarantinedBy: 'user:default/rita',
      quarantinedAt: '2026-12-01T10:00:00Z',
      rollback: false,
      holding: [],
    };
    expect(scopeLabel({ ...base, pipelineRef: checkout })).toBe(
      'in this pipeline',
    );
    expect(scopeLabel(base)).toBe('in every pipeline (by digest)');
  });

  it('names a phase of another pipeline with its pipeline, as refs are compared in the catalog', () => {
    expect(
      phaseLabel(
        { pipelineRef: 'Pipeline:default/checkout', phase: 'staging' },
        checkout,
      ),
    ).toBe('staging');
    expect(
      phaseLabel(
        { pipelineRef: 'pipeline:default/payments', phase: 'staging' },
        checkout,
      ),
    ).toBe('staging of pipeline:default/payments');
  });

  it("says what became of each holder's rollback", () => {
    const at = { pipelineRef: checkout, phase: 'staging' };
    expect(
      rollbackLabel({ ...at, promotionId: '9', status: 'succeeded' }),
    ).toEqual({
      ok: true,
      text: 'rolled back and pinned (promotion 9)',
    });
    expect(
      rollbackLabel({ ...at, promotionId: '9', status: 'open' }).text,
    ).toBe('rollback proposed in a pull request, pinned (promotion 9)');
    expect(
      rollbackLabel({ ...at, promotionId: '9', status: 'running' }).text,
    ).toBe('rolling back, pinned (promotion 9)');
    expect(
      rollbackLabel({ ...at, promotionId: '9', status: 'failed' }),
    ).toEqual({
      ok: false,
      text: 'the rollback failed (promotion 9)',
    });
    expect(
      rollbackLabel({
        ...at,
        error: 'it held no version before that is not quarantined',
      }),
    ).toEqual({
      ok: false,
      text: 'not rolled back: it held no version before that is not quarantined',
    });
  });
});
