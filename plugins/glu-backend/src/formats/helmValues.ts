import { GluFormat, GluProjection } from '@glu-dev/plugin-glu-node';
import { imageProjection } from './image';
import { fieldsItHas, heldFields } from './projection';
import {
  applyEdits,
  nodeAt,
  parseKeyPath,
  ScalarEdit,
  scalarString,
} from './yamlEdit';
import { parseYamlFile, YamlFormatError, YamlLimits } from './yamlParse';

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
 * What a values file holds of a version: the repository, the tag, and the
 * digest only where it has a key for one. Without a tag or a digest to write,
 * the file would keep no version at all. A digest without a repository (CI
 * published the digest alone) keeps the file's own repository: the digest
 * alone is the version's identity.
 */
function helmValuesProjection(
  fields: Record<string, string>,
  config: HelmValuesOptions,
): GluProjection {
  const image =
    fields.digest && !fields.repository
      ? { fields: { digest: fields.digest } }
      : imageProjection(fields, 'helm-values');
  if ('problem' in image) return image;
  const { repository, tag, digest } = image.fields;
  const held: Record<string, string> = repository ? { repository } : {};
  if (tag) held.tag = tag;
  if (digest && config.digestKey) held.digest = digest;
  if (held.tag || held.digest) return { fields: held };
  return {
    problem: digest
      ? `the values file has no key for a digest; set digestKey (${fieldsItHas(
          fields,
        )})`
      : `the values file holds an image by tag or digest, and this version has neither (${fieldsItHas(
          fields,
        )})`,
  };
}

/**
 * `helm-values`: an image in a Helm values file, as repository, tag and
 * (optionally) digest at configurable keys (`repositoryKey`, default
 * `image.repository`; `tagKey`, default `image.tag`; `digestKey`).
 */
export function createHelmValuesFormat(limits: YamlLimits): GluFormat {
  return {
    type: 'helm-values',
    async read({ content, config }) {
      const file = parseYamlFile(content, limits);
      const document = file.documents[0];
      const at = keys(config as HelmValuesOptions);
      const repository = scalarString(
        nodeAt(document?.contents, at.repository),
      );
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
      const image = heldFields(
        helmValuesProjection(fields, config as HelmValuesOptions),
      );
      const file = parseYamlFile(content, limits);
      const document = file.documents[0];
      if (!document) {
        throw new YamlFormatError('the values file is empty');
      }
      const at = keys(config as HelmValuesOptions);
      const edits: ScalarEdit[] = [
        { document, path: at.tag, value: image.tag },
      ];
      if (image.repository) {
        edits.unshift({
          document,
          path: at.repository,
          value: image.repository,
        });
      }
      if (at.digest) {
        edits.push({ document, path: at.digest, value: image.digest });
      }
      return applyEdits(file, edits, limits);
    },
    project: (fields, config) =>
      helmValuesProjection(fields, config as HelmValuesOptions),
  };
}
