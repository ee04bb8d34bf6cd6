import { YamlFormatError } from './yamlEdit';

/** A container image reference, split into the fields of an image resource. */
export interface ImageFields {
  /** e.g. `registry.example.com/acme/checkout` */
  repository: string;
  tag?: string;
  /** e.g. `sha256:…` */
  digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

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
    if (!DIGEST.test(digest)) {
      throw new YamlFormatError(`"${reference}" has an invalid digest`);
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

/** Reads the image fields out of a resource's fields, checking them. */
export function imageFieldsOf(
  fields: Record<string, string>,
  formatType: string,
): ImageFields {
  if (!fields.repository) {
    throw new YamlFormatError(
      `the ${formatType} format writes container images, and this resource has no image repository`,
    );
  }
  return {
    repository: fields.repository,
    ...(fields.tag ? { tag: fields.tag } : {}),
    ...(fields.digest ? { digest: fields.digest } : {}),
  };
}

export function imageFieldsRecord(image: ImageFields): Record<string, string> {
  const record: Record<string, string> = { repository: image.repository };
  if (image.tag) record.tag = image.tag;
  if (image.digest) record.digest = image.digest;
  return record;
}
