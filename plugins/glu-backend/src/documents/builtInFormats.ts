import { GluFormat } from '@glu-dev/plugin-glu-node';
import { formatsWithin } from '../formats';
import { YamlLimits } from '../formats/yamlParse';
import { DocumentThreads } from './DocumentThreads';

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
