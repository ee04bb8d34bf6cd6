import { GluFormat } from '@glu-dev/plugin-glu-node';
import { isMap, isSeq, YAMLMap } from 'yaml';
import { imageProjection } from './image';
import { heldFields } from './projection';
import { applyEdits, nodeAt, ScalarEdit, scalarString } from './yamlEdit';
import {
  parseYamlFile,
  YamlFile,
  YamlFormatError,
  YamlLimits,
} from './yamlParse';

function locateEntry(file: YamlFile, image: string | undefined) {
  const document = file.documents[0];
  const images = document ? nodeAt(document.contents, ['images']) : undefined;
  if (!isSeq(images) || images.items.length === 0) {
    throw new YamlFormatError('the kustomization has no images');
  }
  const index = image
    ? images.items.findIndex(
        item => isMap(item) && scalarString(item.get('name', true)) === image,
      )
    : 0;
  if (index < 0) {
    throw new YamlFormatError(
      `the kustomization has no image named "${image}"`,
    );
  }
  const entry = images.items[index];
  if (!isMap(entry)) {
    throw new YamlFormatError(
      'an images entry of the kustomization is not a map',
    );
  }
  return { document, index, entry: entry as YAMLMap };
}

/**
 * `kustomize`: an entry of a kustomization's `images:` list, chosen by its
 * `name` (`image`), the first by default.
 */
export function createKustomizeFormat(limits: YamlLimits): GluFormat {
  return {
    type: 'kustomize',
    async read({ content, config }) {
      const { entry } = locateEntry(
        parseYamlFile(content, limits),
        (config as { image?: string }).image,
      );
      const name = scalarString(entry.get('name', true));
      const repository = scalarString(entry.get('newName', true)) ?? name;
      if (!repository) {
        throw new YamlFormatError('the images entry has no name');
      }
      const fields: Record<string, string> = { repository };
      const tag = scalarString(entry.get('newTag', true));
      const digest = scalarString(entry.get('digest', true));
      if (tag) fields.tag = tag;
      if (digest) fields.digest = digest;
      return fields;
    },
    async write({ content, fields, config }) {
      const image = heldFields(imageProjection(fields, 'kustomize'));
      const file = parseYamlFile(content, limits);
      const { document, index, entry } = locateEntry(
        file,
        (config as { image?: string }).image,
      );
      const at = (key: string) => ['images', index, key];
      const edits: ScalarEdit[] = [];
      const name = scalarString(entry.get('name', true));
      if (entry.has('newName') || image.repository !== name) {
        edits.push({ document, path: at('newName'), value: image.repository });
      }
      edits.push({ document, path: at('newTag'), value: image.tag });
      edits.push({ document, path: at('digest'), value: image.digest });
      return applyEdits(file, edits, limits);
    },
    project: fields => imageProjection(fields, 'kustomize'),
  };
}
