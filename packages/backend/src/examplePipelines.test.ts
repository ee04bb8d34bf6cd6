/*
 * The example pipelines as this backend runs them: every gate valid for the
 * gates it has (the prometheus module's among them, with the example's
 * Prometheus server), and the AnalysisTemplate that the search pipeline
 * reads from the example GitOps repository one that resolves against it.
 */
import { ConfigReader } from '@backstage/config';
import {
  BUILT_IN_GATE_TYPES,
  builtInGateProblems,
  observedGateOptions,
  parsePipelineEntity,
} from '@glu-dev/plugin-glu-common';
import { createPrometheusGates } from '@glu-dev/plugin-glu-backend-module-prometheus';
import { readFileSync } from 'node:fs';
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

const pipelines = parseAllDocuments(
  read('examples/pipelines.yaml').replace(
    /\{\{gitops\}\}/g,
    'file:///example/git/gitops.git',
  ),
).map(document => document.toJS() as Entity);

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
});
