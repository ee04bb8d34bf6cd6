import { ConfigReader } from '@backstage/config';
import { GluFormat, gluLimits } from '@glu-dev/plugin-glu-node';
import { createHelmValuesFormat } from '../formats/helmValues';
import { readingBack } from './readBack';
import { createYamlPathFormat } from '../formats/yamlPath';

const limits = gluLimits(new ConfigReader({}));
const helmValuesFormat = createHelmValuesFormat(limits);
const yamlPathFormat = createYamlPathFormat(limits);

/** A format of another module that writes its one value in lower case. */
const lowerCasing: GluFormat = {
  type: 'lower',
  read: async ({ content }) => ({ value: content.trim() }),
  write: async ({ fields }) => `${fields.value.toLowerCase()}\n`,
};

describe('a format as sources are given it', () => {
  it('writes what it reads back as written, as the format alone does', async () => {
    const write = {
      content: '# flags\nfeature:\n  version: "0.1" # by hand\n',
      fields: { value: '0.2' },
      config: { key: 'feature.version' },
    };
    await expect(readingBack(yamlPathFormat).write(write)).resolves.toBe(
      await yamlPathFormat.write(write),
    );
  });

  it('refuses a write that would read back otherwise, naming the field', async () => {
    const write = { content: 'V1\n', fields: { value: 'V2' }, config: {} };
    await expect(lowerCasing.write(write)).resolves.toBe('v2\n');
    await expect(readingBack(lowerCasing).write(write)).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'the lower format would read value back as "v2", not "V2"',
    });
  });

  it('refuses a write of settings that make one field overwrite another', async () => {
    const write = {
      content: 'image:\n  ref: "1.0.0"\n',
      fields: { repository: 'registry.example.com/acme/app', tag: '1.1.0' },
      config: { repositoryKey: 'image.ref', tagKey: 'image.ref' },
    };
    await expect(readingBack(helmValuesFormat).write(write)).rejects.toThrow(
      'the helm-values format would read repository back as "1.1.0", not "registry.example.com/acme/app"',
    );
  });

  it('refuses a write that would read back as another version', async () => {
    const adding: GluFormat = {
      ...lowerCasing,
      write: async ({ fields }) => `${fields.value}\n`,
      read: async ({ content }) => ({ value: content.trim(), extra: 'x' }),
    };
    await expect(
      readingBack(adding).write({
        content: '',
        fields: { value: '1' },
        config: {},
      }),
    ).rejects.toThrow(
      'the lower format would read back another version than it wrote (it has: value, extra)',
    );
  });

  it('refuses a write that it cannot read back at all', async () => {
    const unreadable: GluFormat = {
      ...lowerCasing,
      write: async () => 'not: [valid',
      read: async () => {
        throw new Error('the file is not valid YAML');
      },
    };
    await expect(
      readingBack(unreadable).write({
        content: '',
        fields: { value: '1' },
        config: {},
      }),
    ).rejects.toThrow(
      'the lower format could not read back what it wrote: the file is not valid YAML',
    );
  });
});
