import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { merge } from './config';
import { ALL_FIGURES, figures, variants } from './bench';
import { FLEET_PHASES, pipeline } from './fixtures';

describe('the bench variants', () => {
  it('merges an overlay over the config, key by key', () => {
    expect(
      merge(
        { glu: { limits: { fileBytes: 1, yamlDepth: 100 }, writeScopes: [1] } },
        { glu: { limits: { yamlDepth: 50 }, writeScopes: [2, 3] } },
      ),
    ).toEqual({
      glu: { limits: { fileBytes: 1, yamlDepth: 50 }, writeScopes: [2, 3] },
    });
  });

  it('reads the variants from a YAML file, after the current code, then the baseline', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glu-variants-'));
    try {
      const file = path.join(dir, 'variants.yaml');
      fs.writeFileSync(
        file,
        'small-depth:\n  glu:\n    limits:\n      yamlDepth: 50\n',
      );
      expect(
        variants('/current', {
          GLU_BENCH_VARIANTS: file,
          GLU_BENCH_BASELINE_BACKEND: dir,
        }),
      ).toEqual([
        { name: 'current', bundle: '/current', overlay: {} },
        {
          name: 'small-depth',
          bundle: '/current',
          overlay: { glu: { limits: { yamlDepth: 50 } } },
        },
        { name: 'baseline', bundle: dir, overlay: {} },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses variants that are not named overlays, saying what to write', () => {
    expect(() => variants('/current', { GLU_BENCH_VARIANTS: '[1]' })).toThrow(
      /must map variant names to app-config overlays/,
    );
    expect(() =>
      variants('/current', { GLU_BENCH_VARIANTS: '{"baseline": {}}' }),
    ).toThrow(/"baseline" is not a variant's name/);
    expect(() =>
      variants('/current', { GLU_BENCH_VARIANTS: '{"off": true}' }),
    ).toThrow(/the overlay of "off" must be a mapping/);
  });
});

describe('the bench figures', () => {
  it('measures every figure unless GLU_BENCH_FIGURES names some', () => {
    expect([...figures({})]).toEqual(ALL_FIGURES);
    expect([...figures({ GLU_BENCH_FIGURES: 'fleet, fleet-portal' })]).toEqual([
      'fleet',
      'fleet-portal',
    ]);
  });

  it('refuses a figure it does not know, naming those it does', () => {
    expect(() => figures({ GLU_BENCH_FIGURES: 'read,fleets' })).toThrow(
      /"fleets" is not a figure \(promotion, .*fleet-portal\)/,
    );
  });

  it("gives the fleet's pipelines four environments, each promoted from the one before", () => {
    const fleetPipeline = pipeline(
      'p0',
      'http://git/fleet-0',
      Object.fromEntries(FLEET_PHASES.map(p => [p, `env/p0/${p}.yaml`])),
      'system:default/fleet',
    );
    expect(fleetPipeline.spec.system).toBe('system:default/fleet');
    expect(
      fleetPipeline.spec.phases.map((p: any) => [p.name, p.promotion?.from]),
    ).toEqual([
      ['build', undefined],
      ['dev', 'build'],
      ['staging', 'dev'],
      ['production', 'staging'],
    ]);
  });
});
