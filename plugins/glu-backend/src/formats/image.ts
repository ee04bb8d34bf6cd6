import { GluProjection } from '@glu-dev/plugin-glu-node';
import { digestProblem } from '../resourceForm';
import { fieldsItHas } from './projection';
import { YamlFormatError } from './yamlParse';

/** A container image reference, split into the fields of an image resource. */
export interface ImageFields {
  /** e.g. `registry.example.com/acme/checkout` */
  repository: string;
  tag?: string;
  /** e.g. `sha256:…` */
  digest?: string;
}

/** Splits `registry/repo:tag@sha256:…` into repository, tag and digest. */
export function parseImageReference(reference: string): ImageFields {
  const trimmed = reference.trim();
  if (!trimmed || /\s/.test(trimmed)) {
    throw new YamlFormatError(`"${reference}" is not an image reference`);
  }
  let rest = trimmed;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) {
      throw new YamlFormatError(
        `"${reference}" has an invalid digest: ${problem}`,
      );
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!rest) {
    throw new YamlFormatError(`"${reference}" has no repository`);
  }
  return {
    repository: rest,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

export function formatImageReference(image: ImageFields): string {
  return `${image.repository}${image.tag ? `:${image.tag}` : ''}${
    image.digest ? `@${image.digest}` : ''
  }`;
}

/**
 * What an image format holds of a version: its repository, tag and digest as
 * given. Without a repository there is no image to write.
 */
export function imageProjection(
  fields: Record<string, string>,
  formatType: string,
): GluProjection {
  if (!fields.repository) {
    return {
      problem: `the ${formatType} format holds container images, and this version has no image repository (${fieldsItHas(
        fields,
      )})`,
    };
  }
  const { repository, tag, digest } = fields;
  return { fields: imageFieldsRecord({ repository, tag, digest }) };
}

export function imageFieldsRecord(image: ImageFields): Record<string, string> {
  const record: Record<string, string> = { repository: image.repository };
  if (image.tag) record.tag = image.tag;
  if (image.digest) record.digest = image.digest;
  return record;
}
