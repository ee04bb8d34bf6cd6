/*
 * The example pipelines as this backend runs them: every gate valid for the
 * gates it has (the prometheus module's among them, with the example's
 * Prometheus server), and the AnalysisTemplate that the search pipeline
 * reads from the example GitOps repository one that resolves against it.
 * And the example fleet they make with examples/fleet.yaml: three teams,
 * three systems, environments that line up, and a file for every phase but
 * the one meant to fail.
 */
import { ConfigReader } from '@backstage/config';
import {
  BUILT_IN_GATE_TYPES,
  builtInGateProblems,
  environmentOf,
  observedGateOptions,
  parsePipelineEntity,
} from '@glu-dev/plugin-glu-common';
import { createPrometheusGates } from '@glu-dev/plugin-glu-backend-module-prometheus';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

type Entity = Parameters<typeof parsePipelineEntity>[0];

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** app-config.yaml's glu section, on the default Prometheus port. */
const gluConfig = parseYaml(
  read('app-config.yaml').replace('${GLU_PROMETHEUS_PORT:-9090}', '9090'),
).glu;
const gates = createPrometheusGates(new ConfigReader({ glu: gluConfig }));

const pipelines = ['examples/pipelines.yaml', 'examples/fleet.yaml'].flatMap(
  file =>
    parseAllDocuments(
      read(file).replace(/\{\{gitops\}\}/g, 'file:///example/git/gitops.git'),
    ).map(document => document.toJS() as Entity),
);
const entities = ['examples/entities.yaml', 'examples/org.yaml'].flatMap(file =>
  parseAllDocuments(read(file)).map(d => d.toJS()),
);
const refsOf = (kind: string) =>
  entities
    .filter(e => e.kind === kind)
    .map(e => `${kind.toLowerCase()}:default/${e.metadata.name}`);

function gateProblems(type: string, config: unknown): string[] | undefined {
  const gate = gates[type as keyof typeof gates];
  if (!gate) return builtInGateProblems(type, config);
  const options = observedGateOptions(config);
  return [...options.problems, ...(gate.validate?.(options.config) ?? [])];
}

describe('the example pipelines', () => {
  it.each(pipelines.map(p => [p.metadata.name, p]))(
    '%s runs with the gates of this backend',
    (_name, entity) => {
      expect(() =>
        parsePipelineEntity(entity as Entity, {
          gateTypes: [...BUILT_IN_GATE_TYPES, 'prometheus', 'analysis'],
          gateProblems,
        }),
      ).not.toThrow();
    },
  );

  it('gates search’s production on its metrics, with a template that resolves against the example’s server', () => {
    const search = pipelines.find(p => p.metadata.name === 'search')!;
    const production = (search.spec as any).phases.find(
      (p: any) => p.name === 'production',
    );
    const [prometheus, analysis] = production.promotion.gates;
    expect(observedGateOptions(prometheus.prometheus)).toMatchObject({
      soakMillis: 120_000,
      intervalMillis: 15_000,
      rollback: true,
    });
    expect(analysis.analysis.template).toBe('analysis/success-rate.yaml');
    // The file, given inline, resolves: its args, its metric, its address.
    const template = parseYaml(
      read(`examples/gitops/${analysis.analysis.template}`),
    );
    expect(
      gates.analysis.validate!({ ...analysis.analysis, template }),
    ).toEqual([]);
  });

  describe('the example fleet', () => {
    const specs = pipelines.map(p => ({
      name: p.metadata.name,
      ...(p.spec as any),
    }));

    it('has at least 20 pipelines of three teams in three systems, all in the catalog', () => {
      expect(specs.length).toBeGreaterThanOrEqual(20);
      expect(new Set(specs.map(s => s.owner)).size).toBe(3);
      expect(new Set(specs.map(s => s.system)).size).toBe(3);
      for (const spec of specs) {
        expect(refsOf('Group')).toContain(spec.owner);
        expect(refsOf('System')).toContain(spec.system);
        for (const component of spec.components) {
          expect(refsOf('Component')).toContain(component);
        }
      }
    });

    it('lines up the phases in build, staging, canary and production', () => {
      const environments = new Set(
        specs.flatMap(s => s.phases.map((p: any) => environmentOf(p))),
      );
      expect([...environments].sort()).toEqual([
        'build',
        'canary',
        'production',
        'staging',
      ]);
      // Some under other names.
      expect(specs.some(s => s.phases.some((p: any) => p.name === 'qa'))).toBe(
        true,
      );
    });

    it('has a file in the example GitOps repository for every git phase but wishlist’s production', () => {
      const missing = specs.flatMap(s =>
        s.phases
          .filter((p: any) => p.source.type === 'git')
          .filter(
            (p: any) =>
              !existsSync(path.join(root, 'examples/gitops', p.source.path)),
          )
          .map((p: any) => `${s.name} ${p.name}`),
      );
      expect(missing).toEqual(['wishlist production']);
    });

    it('writes only where the example’s write scopes let each team', () => {
      const scope = gluConfig.writeScopes.find((w: any) =>
        w.paths.includes('teams/{owner}/**'),
      );
      expect(scope).toBeDefined();
      for (const spec of specs.filter(
        s => !['checkout', 'payments', 'search'].includes(s.name),
      )) {
        const team = spec.owner.replace('group:default/', '');
        for (const phase of spec.phases.filter(
          (p: any) => p.source.type === 'git',
        )) {
          expect(phase.source.path).toMatch(new RegExp(`^teams/${team}/`));
        }
      }
    });
  });
});
