import { ConfigReader } from '@backstage/config';
import { gluLimits } from '@glu-dev/plugin-glu-node';
import { createHelmValuesFormat } from './helmValues';
import { parseYamlFile } from './yamlParse';

const limits = gluLimits(new ConfigReader({}));
const helmValues = createHelmValuesFormat(limits);

/** A values file whose `extra` map holds `keys` keys after the image. */
function valuesWithKeys(keys: number, duplicate?: number): string {
  const lines = ['image:', '  repository: registry/app', '  tag: "1.0.0"'];
  lines.push('extra:');
  for (let i = 0; i < keys; i++) {
    lines.push(`  key-${String(i).padStart(8, '0')}: value ${i}`);
  }
  if (duplicate !== undefined) {
    lines.push(`  key-${String(duplicate).padStart(8, '0')}: again`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The CPU time of some work, in milliseconds: the work this process did,
 * which other processes on a busy machine do not stretch as they stretch
 * the time on the clock.
 */
function cpuMillis(work: () => unknown): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * The least CPU time of a few runs: the one least disturbed (by garbage
 * collection, mostly). Each run is given a text of its own, which no cache
 * has seen.
 */
function fastest(runs: number, work: (run: number) => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    best = Math.min(
      best,
      cpuMillis(() => work(i)),
    );
  }
  return best;
}

/** The classic billion laughs: nine levels of nine aliases, 342 bytes. */
function aliasBomb(): string {
  let text = `image: { repository: registry/app, tag: "1.0.0" }\n`;
  text += 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text;
}

describe('parsing YAML within limits', () => {
  it('parses a map of 80,000 keys in time that grows with its keys, not with their square', () => {
    const small = valuesWithKeys(10_000);
    const large = valuesWithKeys(80_000);
    // Warmed up first, each the least CPU time of two runs: eight times the
    // keys take about eight times the work; the square would take 64 times.
    parseYamlFile(`${small}# warm-up\n`, limits);
    const smallTime = fastest(2, run =>
      parseYamlFile(`${small}# ${run}\n`, limits),
    );
    const largeTime = fastest(2, run =>
      parseYamlFile(`${large}# ${run}\n`, limits),
    );
    expect(largeTime / smallTime).toBeLessThan(24);
  });

  it('still refuses a key given twice, however far into a large map', () => {
    expect(() => parseYamlFile(valuesWithKeys(80_000, 12), limits)).toThrow(
      'the file is not valid YAML: map keys must be unique; "key-00000012" is given again at line 80005, column 3',
    );
  });

  it('refuses brackets nested a million deep at the limit, without reading on', async () => {
    const deep = `image: ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`;
    const start = process.cpuUsage();
    await expect(
      helmValues.read({ content: deep, config: {} }),
    ).rejects.toThrow(
      'the file nests deeper than glu.limits.yamlDepth (100 levels)',
    );
    // Stopped at the 101st bracket: reading them all takes seconds of CPU.
    const used = process.cpuUsage(start);
    expect((used.user + used.system) / 1000).toBeLessThan(1_000);
  });

  it('refuses block maps nested deeper than the limit', () => {
    const lines = ['image: { repository: registry/app, tag: "1.0.0" }'];
    for (let i = 0; i < 150; i++) lines.push(`${' '.repeat(i)}a:`);
    lines.push(`${' '.repeat(150)}b: 1`);
    expect(() => parseYamlFile(`${lines.join('\n')}\n`, limits)).toThrow(
      'the file nests deeper than glu.limits.yamlDepth (100 levels)',
    );
    expect(() =>
      parseYamlFile(`${lines.join('\n')}\n`, { ...limits, yamlDepth: 200 }),
    ).not.toThrow();
  });

  it('refuses an alias bomb, for reading and for writing, by the nodes it would expand to', async () => {
    const bomb = aliasBomb();
    await expect(
      helmValues.read({ content: bomb, config: {} }),
    ).rejects.toThrow(
      'the file holds more than glu.limits.yamlNodes (1000000 nodes, counting what its aliases repeat)',
    );
    await expect(
      helmValues.write({
        content: bomb,
        fields: { repository: 'registry/app', tag: '2.0.0' },
        config: {},
      }),
    ).rejects.toThrow('glu.limits.yamlNodes');
  });

  it('reads and writes a file of many anchors and aliases, which an edit keeps as they are', async () => {
    const lines = ['image:', '  repository: registry/app', '  tag: "1.0.0"'];
    for (let i = 0; i < 2000; i++) lines.push(`k${i}: &a${i} { v: ${i} }`);
    for (let i = 0; i < 2000; i++) lines.push(`r${i}: *a${i}`);
    const content = `${lines.join('\n')}\n`;
    expect(await helmValues.read({ content, config: {} })).toEqual({
      repository: 'registry/app',
      tag: '1.0.0',
    });
    const written = await helmValues.write({
      content,
      fields: { repository: 'registry/app', tag: '2.0.0' },
      config: {},
    });
    expect(written).toBe(content.replace('tag: "1.0.0"', 'tag: "2.0.0"'));
  });

  it('counts the nodes of every document of a file against the limit', () => {
    const content = valuesWithKeys(600);
    const strict = { ...limits, yamlNodes: 1000 };
    expect(() => parseYamlFile(`${content}---\n${content}`, strict)).toThrow(
      'the file holds more than glu.limits.yamlNodes (1000 nodes',
    );
    expect(() => parseYamlFile(valuesWithKeys(400), strict)).not.toThrow();
  });

  it('holds the same file to the limits of whoever asks for it', () => {
    const content = valuesWithKeys(600);
    expect(parseYamlFile(content, limits).documents).toHaveLength(1);
    expect(() =>
      parseYamlFile(content, { ...limits, yamlNodes: 1000 }),
    ).toThrow('glu.limits.yamlNodes');
  });
});
