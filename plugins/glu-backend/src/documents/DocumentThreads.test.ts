import { ConfigReader } from '@backstage/config';
import { GluLimitError, gluLimits } from '@glu-dev/plugin-glu-node';
import { watchDocumentWork } from '../__testUtils__/documentWork';
import { builtInFormats } from './builtInFormats';
import { DocumentThreads, MAIN_THREAD_SIZE } from './DocumentThreads';

jest.mock('./tasks', () =>
  require('../__testUtils__/documentWork').watchedTasks(),
);

jest.setTimeout(120_000);

const limits = gluLimits(new ConfigReader({}));

/** A values file of about `bytes`: the image, then many services. */
function largeValues(bytes: number): string {
  let text = 'image:\n  repository: registry/app\n  tag: "1.0.0"\n';
  for (let i = 0; text.length < bytes; i++) {
    text += `service${i}:\n  enabled: true # on\n  port: ${
      8000 + i
    }\n  labels: { team: t${i} }\n`;
  }
  return text;
}

describe('DocumentThreads', () => {
  let threads: DocumentThreads;

  afterEach(() => threads.close());

  function helmValues(options: { mainThreadSize?: number } = {}) {
    threads = new DocumentThreads(limits, options);
    return builtInFormats(threads, limits).find(f => f.type === 'helm-values')!;
  }

  it('reads and writes a large file in a worker thread, never on the event loop', async () => {
    const format = helmValues();
    const content = largeValues(2 * 1024 * 1024);
    const { result, largestOnMainThread, largestInWorkers } =
      await watchDocumentWork(async () => {
        const read = await format.read({ content, config: {} });
        const written = await format.write({
          content,
          fields: { repository: 'registry/app', tag: '2.0.0' },
          config: {},
        });
        const readBack = await format.read({ content: written, config: {} });
        return { read, written, readBack };
      });
    expect(result.read).toEqual({ repository: 'registry/app', tag: '1.0.0' });
    expect(result.written).toBe(
      content.replace('tag: "1.0.0"', 'tag: "2.0.0"'),
    );
    expect(result.readBack).toEqual({
      repository: 'registry/app',
      tag: '2.0.0',
    });
    expect(largestInWorkers).toBe(content.length);
    expect(largestOnMainThread).toBeLessThanOrEqual(MAIN_THREAD_SIZE);
  });

  it('answers what the worker refused as the error it was there', async () => {
    const format = helmValues();
    const content = `${largeValues(64 * 1024)}deep: ${'['.repeat(
      200,
    )}${']'.repeat(200)}\n`;
    const read = format.read({ content, config: {} });
    await expect(read).rejects.toBeInstanceOf(GluLimitError);
    await expect(read).rejects.toThrow(
      'the file nests deeper than glu.limits.yamlDepth (100 levels)',
    );
    await expect(
      format.read({ content: `${largeValues(64 * 1024)}: [\n`, config: {} }),
    ).rejects.toMatchObject({
      name: 'YamlFormatError',
      message: expect.stringContaining('the file is not valid YAML'),
    });
  });

  it('fails the tasks of a worker that stops, and starts another for the next', async () => {
    const format = helmValues();
    const content = largeValues(2 * 1024 * 1024);
    const given = format.read({ content, config: {} });
    await threads.close();
    await expect(given).rejects.toThrow('The document thread stopped');
    await expect(format.read({ content, config: {} })).resolves.toEqual({
      repository: 'registry/app',
      tag: '1.0.0',
    });
  });
});
