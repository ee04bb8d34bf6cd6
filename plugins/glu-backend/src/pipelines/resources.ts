import { createHash } from 'node:crypto';
import { ResourceState, VersionRef } from '../store/types';

/**
 * The identity of a version. An image's registry digest is its identity;
 * otherwise the digest is the hash of the fields, so equal fields are the
 * same version wherever they are written.
 */
export function digestOf(fields: Record<string, string>): string {
  if (fields.digest) return fields.digest;
  const canonical = JSON.stringify(
    Object.keys(fields)
      .sort()
      .map(key => [key, fields[key]]),
  );
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** What people call a version: its tag or value, else a short digest. */
export function versionOf(fields: Record<string, string>): string {
  if (fields.tag) return fields.tag;
  if (fields.version) return fields.version;
  if (fields.value) return fields.value;
  const digest = digestOf(fields);
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** The version a history entry holds, if there is one. */
export function versionRefOf(entry?: {
  digest: string;
  version: string;
}): VersionRef | undefined {
  return entry ? { digest: entry.digest, version: entry.version } : undefined;
}

export function resourceOf(fields: Record<string, string>): ResourceState {
  return { digest: digestOf(fields), version: versionOf(fields), fields };
}

/**
 * What the phase would hold after the write, as its source projects it, or
 * why it cannot hold the version at all.
 */
export type Holding = ResourceState | { problem: string };
