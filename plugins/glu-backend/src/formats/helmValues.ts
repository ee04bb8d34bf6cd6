import { GluFormat } from '@glu-dev/plugin-glu-node';
import { imageFieldsOf } from './image';
import {
  applyEdits,
  nodeAt,
  parseKeyPath,
  parseYamlFile,
  ScalarEdit,
  scalarString,
  YamlFormatError,
} from './yamlEdit';

interface HelmValuesOptions {
  repositoryKey?: string;
  tagKey?: string;
  digestKey?: string;
}

function keys(config: HelmValuesOptions) {
  return {
    repository: parseKeyPath(config.repositoryKey ?? 'image.repository'),
    tag: parseKeyPath(config.tagKey ?? 'image.tag'),
    digest: config.digestKey ? parseKeyPath(config.digestKey) : undefined,
  };
}

/**
 * `helm-values`: an image in a Helm values file, as repository, tag and
 * (optionally) digest at configurable keys (`repositoryKey`, default
 * `image.repository`; `tagKey`, default `image.tag`; `digestKey`).
 */
export const helmValuesFormat: GluFormat = {
  type: 'helm-values',
  async read({ content, config }) {
    const file = parseYamlFile(content);
    const document = file.documents[0];
    const at = keys(config as HelmValuesOptions);
    const repository = scalarString(nodeAt(document?.contents, at.repository));
    if (!repository) {
      throw new YamlFormatError(
        `no image repository at ${
          (config as HelmValuesOptions).repositoryKey ?? 'image.repository'
        }`,
      );
    }
    const fields: Record<string, string> = { repository };
    const tag = scalarString(nodeAt(document.contents, at.tag));
    if (tag) fields.tag = tag;
    if (at.digest) {
      const digest = scalarString(nodeAt(document.contents, at.digest));
      if (digest) fields.digest = digest;
    }
    return fields;
  },
  async write({ content, fields, config }) {
    const file = parseYamlFile(content);
    const document = file.documents[0];
    if (!document) {
      throw new YamlFormatError('the values file is empty');
    }
    const at = keys(config as HelmValuesOptions);
    const image = imageFieldsOf(fields, 'helm-values');
    const edits: ScalarEdit[] = [
      { document, path: at.repository, value: image.repository },
      { document, path: at.tag, value: image.tag },
    ];
    if (at.digest) {
      edits.push({ document, path: at.digest, value: image.digest });
    }
    return applyEdits(file, edits);
  },
  project(fields, config) {
    const image = imageFieldsOf(fields, 'helm-values');
    const projected: Record<string, string> = { repository: image.repository };
    if (image.tag) projected.tag = image.tag;
    if (image.digest && (config as HelmValuesOptions).digestKey) {
      projected.digest = image.digest;
    }
    return projected;
  },
};
