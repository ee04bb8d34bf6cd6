import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createPrometheusGates } from './module';

/** The YAML blocks of the README, parsed. */
const blocks = [
  ...fs
    .readFileSync(path.resolve(__dirname, '../README.md'), 'utf8')
    .matchAll(/```yaml\n([\s\S]*?)```/g),
].map(match => parse(match[1]));

/** A gate's options as Glu hands them over: without soak, interval, rollback. */
function forGate(options: Record<string, unknown>) {
  const {
    soak: _soak,
    interval: _interval,
    rollback: _rollback,
    ...rest
  } = options;
  return rest;
}

describe('the README', () => {
  it('configures servers, and its gates are valid on them', () => {
    const [config, ...pipelines] = blocks;
    const { prometheus, analysis } = createPrometheusGates(
      new ConfigReader(config),
    );
    const gates = pipelines.flatMap(
      block => (block.promotion?.gates ?? block.gates) as object[],
    );
    expect(gates).toHaveLength(3);
    for (const gate of gates as Array<
      Record<string, Record<string, unknown>>
    >) {
      const [type] = Object.keys(gate);
      const problems =
        type === 'prometheus'
          ? prometheus.validate!(forGate(gate[type]))
          : analysis.validate!(forGate(gate[type]));
      expect({ type, problems }).toEqual({ type, problems: [] });
    }
  });
});
