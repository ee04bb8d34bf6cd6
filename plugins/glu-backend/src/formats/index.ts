import { GluFormat } from '@glu-dev/plugin-glu-node';
import type { DocumentThreads } from '../documents/DocumentThreads';
import { createHelmValuesFormat } from './helmValues';
import { createKubernetesFormat } from './kubernetes';
import { createKustomizeFormat } from './kustomize';
import { createYamlPathFormat } from './yamlPath';
import { YamlLimits } from './yamlParse';

export { YamlFormatError } from './yamlParse';

/** The formats that Glu provides, reading and writing where they are called. */
export function formatsWithin(limits: YamlLimits): GluFormat[] {
  return [
    createKubernetesFormat(limits),
    createKustomizeFormat(limits),
    createHelmValuesFormat(limits),
    createYamlPathFormat(limits),
  ];
}

/**
 * The formats that Glu provides, registered like anyone else's: each reads
 * and writes a file where `threads` decides, off the main thread when the
 * file is large.
 */
export function builtInFormats(
  threads: DocumentThreads,
  limits: YamlLimits,
): GluFormat[] {
  return formatsWithin(limits).map(format => ({
    type: format.type,
    read: ({ content, config }) =>
      threads.run({ kind: 'read', format: format.type, content, config }),
    write: ({ content, fields, config }) =>
      threads.run({
        kind: 'write',
        format: format.type,
        content,
        fields,
        config,
      }),
    project: format.project,
  }));
}
