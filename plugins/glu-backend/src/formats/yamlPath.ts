import { GluFormat, GluProjection } from '@glu-dev/plugin-glu-node';
import { fieldsItHas, heldFields } from './projection';
import { applyEdits, nodeAt, parseKeyPath, scalarString } from './yamlEdit';
import { parseYamlFile, YamlFormatError, YamlLimits } from './yamlParse';

/** One value: a scalar's own, or what people call a version of anything else. */
function valueProjection(fields: Record<string, string>): GluProjection {
  const value = fields.value ?? fields.version ?? fields.tag;
  if (value !== undefined) return { fields: { value } };
  return {
    problem: `the yaml-path format holds one value, and this version has no value, version or tag (${fieldsItHas(
      fields,
    )})`,
  };
}

/**
 * `yaml-path`: any scalar of a YAML file, at `key` (`a.b[0].c`). The resource
 * has one field, `value`.
 */
export function createYamlPathFormat(limits: YamlLimits): GluFormat {
  return {
    type: 'yaml-path',
    async read({ content, config }) {
      const key = String((config as { key?: string }).key ?? '');
      const file = parseYamlFile(content, limits);
      const value = scalarString(
        nodeAt(file.documents[0]?.contents, parseKeyPath(key)),
      );
      if (value === undefined) {
        throw new YamlFormatError(`no value at ${key}`);
      }
      return { value };
    },
    async write({ content, fields, config }) {
      const key = String((config as { key?: string }).key ?? '');
      const { value } = heldFields(valueProjection(fields));
      const file = parseYamlFile(content, limits);
      const document = file.documents[0];
      if (!document) {
        throw new YamlFormatError('the file is empty');
      }
      return applyEdits(
        file,
        [{ document, path: parseKeyPath(key), value }],
        limits,
      );
    },
    project: fields => valueProjection(fields),
  };
}
