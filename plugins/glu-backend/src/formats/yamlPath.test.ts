import { parse } from 'yaml';
import { lineDiff, yamlPathFormat } from '../__testUtils__/formats';

describe('yaml-path format', () => {
  const file = `settings:
  - name: version
    value: 1.2   # a number in YAML
`;

  it('reads and writes any scalar, quoting what YAML would misread', async () => {
    const config = { type: 'yaml-path', key: 'settings[0].value' };
    await expect(
      yamlPathFormat.read({ content: file, config }),
    ).resolves.toEqual({
      value: '1.2',
    });
    const after = await yamlPathFormat.write({
      content: file,
      fields: { value: '1.3' },
      config,
    });
    expect(lineDiff(file, after)).toEqual([
      '-    value: 1.2   # a number in YAML',
      '+    value: "1.3"   # a number in YAML',
    ]);
    const plain = await yamlPathFormat.write({
      content: file,
      fields: { value: '1.3.0' },
      config,
    });
    expect(lineDiff(file, plain)).toEqual([
      '-    value: 1.2   # a number in YAML',
      '+    value: 1.3.0   # a number in YAML',
    ]);
  });
});

describe('values that YAML 1.1 tools would misread', () => {
  const file = `settings:
  - name: version
    value: 1.2.0   # read by YAML 1.1 and 1.2 tools
`;
  const config = { type: 'yaml-path', key: 'settings[0].value' };

  it.each([
    'yes',
    'no',
    'on',
    'off',
    'y',
    'n',
    'true',
    'True',
    'NO',
    '~',
    'null',
    '1e3',
    '1E3',
    '0x1F',
    '0o17',
    '017',
    '1_000',
    '.inf',
    '-.Inf',
    '.nan',
    '12:30',
    '2001-12-14',
    '1.3',
    '+12',
    '0b101',
  ])('quotes %s, so that both read it back as a string', async value => {
    const after = await yamlPathFormat.write({
      content: file,
      fields: { value },
      config,
    });
    expect(lineDiff(file, after)).toEqual([
      '-    value: 1.2.0   # read by YAML 1.1 and 1.2 tools',
      `+    value: ${JSON.stringify(value)}   # read by YAML 1.1 and 1.2 tools`,
    ]);
    expect(parse(after).settings[0].value).toBe(value);
    expect(parse(after, { version: '1.1' }).settings[0].value).toBe(value);
  });

  it.each(['1.3.0', 'v1.2', '1.2.3-rc.1', 'sha256:0123abcd'])(
    'leaves %s plain',
    async value => {
      const after = await yamlPathFormat.write({
        content: file,
        fields: { value },
        config,
      });
      expect(after).toContain(`    value: ${value}   #`);
    },
  );

  it('keeps the quote style of the value it replaces', async () => {
    const quoted = `single: '1.0'\ndouble: "1.0"\n`;
    const single = await yamlPathFormat.write({
      content: quoted,
      fields: { value: 'yes' },
      config: { type: 'yaml-path', key: 'single' },
    });
    expect(single).toBe(`single: 'yes'\ndouble: "1.0"\n`);
    const double = await yamlPathFormat.write({
      content: quoted,
      fields: { value: '1.3.0' },
      config: { type: 'yaml-path', key: 'double' },
    });
    expect(double).toBe(`single: '1.0'\ndouble: "1.3.0"\n`);
  });
});
