import { parseYamlFile, yamlPathFormat } from '../__testUtils__/formats';

describe('parsed YAML files', () => {
  it('parses a text once while it is kept, and every other text for itself', () => {
    const content = 'image: registry/app:1.0.0 # pinned\n';
    const first = parseYamlFile(content);
    // The same text, as another string: what an edit writes and a read
    // reads back.
    expect(parseYamlFile(`image: registry/app:1.0.0${' # pinned\n'}`)).toBe(
      first,
    );
    const other = parseYamlFile('image: registry/app:1.0.1 # pinned\n');
    expect(other).not.toBe(first);
    expect(other.documents[0].toJS()).toEqual({
      image: 'registry/app:1.0.1',
    });
    // What is not YAML is refused every time, never kept.
    for (let i = 0; i < 2; i++) {
      expect(() => parseYamlFile('image: [unclosed\n')).toThrow(
        /not valid YAML/,
      );
    }
  });

  it('edits a kept file without changing it for its other readers', async () => {
    const content = 'app:\n  image:\n    tag: "1.0.0"\n';
    const before = parseYamlFile(content).documents[0].toJS();
    const written = await yamlPathFormat.write({
      content,
      fields: { value: '2.0.0' },
      config: { key: 'app.image.tag' },
    });
    expect(written).toBe('app:\n  image:\n    tag: "2.0.0"\n');
    expect(parseYamlFile(content).documents[0].toJS()).toEqual(before);
    expect(
      await yamlPathFormat.read({ content, config: { key: 'app.image.tag' } }),
    ).toEqual({ value: '1.0.0' });
  });
});
