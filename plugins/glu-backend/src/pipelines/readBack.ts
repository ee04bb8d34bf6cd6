import { ConflictError } from '@backstage/errors';
import { GluFormat } from '@glu-dev/plugin-glu-node';
import { digestOf } from './resources';
import { errorMessage } from '../errors';
import { fieldsItHas } from '../formats/projection';

/**
 * Why the written content would not hold what was written, if it would not:
 * read back, it must give every field the phase is to hold (what `project`
 * says, or the fields as given) and be the same version (digest).
 */
async function readBackProblem(
  format: GluFormat,
  options: Parameters<GluFormat['write']>[0],
  written: string,
): Promise<string | undefined> {
  const { fields, config } = options;
  const projected = format.project?.(fields, config) ?? { fields };
  if ('problem' in projected) return projected.problem;
  const held = projected.fields;
  let read: Record<string, string>;
  try {
    read = await format.read({ content: written, config });
  } catch (error) {
    return `the ${
      format.type
    } format could not read back what it wrote: ${errorMessage(error)}`;
  }
  for (const [name, value] of Object.entries(held)) {
    if (read[name] !== value) {
      return `the ${format.type} format would read ${name} back as ${
        read[name] === undefined ? 'nothing' : JSON.stringify(read[name])
      }, not ${JSON.stringify(value)}`;
    }
  }
  if (digestOf(read) !== digestOf(held)) {
    return `the ${
      format.type
    } format would read back another version than it wrote (${fieldsItHas(
      read,
    )})`;
  }
  return undefined;
}

/**
 * The format as sources are given it: a write that it could not read back
 * as written is refused (a conflict, never a file that says something else),
 * whichever source asked for it. Every read-back check of a write is here.
 */
export function readingBack(format: GluFormat): GluFormat {
  return {
    type: format.type,
    read: options => format.read(options),
    async write(options) {
      const written = await format.write(options);
      const problem = await readBackProblem(format, options, written);
      if (problem) throw new ConflictError(problem);
      return written;
    },
    ...(format.project
      ? { project: (fields, config) => format.project!(fields, config) }
      : {}),
  };
}
