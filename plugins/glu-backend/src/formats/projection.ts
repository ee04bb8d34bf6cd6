import { GluProjection } from '@glu-dev/plugin-glu-node';
import { YamlFormatError } from './yamlParse';

/** `it has: version, digest`: what a version has, for a problem with it. */
export function fieldsItHas(fields: Record<string, string>): string {
  const names = Object.keys(fields);
  return names.length > 0 ? `it has: ${names.join(', ')}` : 'it has no fields';
}

/**
 * The fields a write puts in the file. A version that the format cannot hold
 * is an error, never a value silently left out of the file.
 */
export function heldFields(projection: GluProjection): Record<string, string> {
  if ('problem' in projection) throw new YamlFormatError(projection.problem);
  return projection.fields;
}
