import {
  GluObservation,
  GluSource,
  GluSourcePhase,
} from '@glu-dev/plugin-glu-node';
import semver from 'semver';
import {
  OciRegistryClient,
  OciRepositoryRef,
  parseRepository,
} from './OciRegistryClient';

interface OciOptions {
  repository: string;
  tag?: string;
  semver?: string;
  prerelease?: boolean;
  pattern?: string;
}

/** The tag a phase follows, from the repository's tags when it needs them. */
export function selectTag(
  options: OciOptions,
  tags: string[] | undefined,
): string | undefined {
  if (options.semver) {
    const versions = (tags ?? [])
      .map(tag => ({
        tag,
        version: semver.valid(semver.clean(tag, { loose: true })),
      }))
      .filter(
        (t): t is { tag: string; version: string } =>
          t.version !== null &&
          semver.satisfies(t.version, options.semver!, {
            includePrerelease: options.prerelease ?? false,
          }),
      )
      .sort((a, b) => semver.rcompare(a.version, b.version));
    return versions[0]?.tag;
  }
  if (options.pattern) {
    const pattern = new RegExp(options.pattern);
    // Lexically highest: build numbers and timestamps that sort as text.
    return (tags ?? [])
      .filter(tag => pattern.test(tag))
      .sort()
      .reverse()[0];
  }
  return options.tag ?? 'latest';
}

/**
 * `oci`: an image repository in any registry that speaks the OCI
 * distribution API. A phase follows a fixed tag (`tag`, by default `latest`,
 * as its digest changes), the highest tag in a semver range (`semver`), or
 * the highest tag matching a pattern (`pattern`). The digest is what the tag
 * points at: an image index for multi-arch images.
 */
export function createOciSource(client: OciRegistryClient): GluSource {
  return {
    type: 'oci',
    writable: false,
    // One registry that does not answer holds up only its own phases.
    groupOf: phase => {
      try {
        return parseRepository(String(phase.config.repository)).registry;
      } catch {
        return '';
      }
    },
    async observe(phases: GluSourcePhase[]) {
      // One tag list per repository, however many phases follow it.
      const tagLists = new Map<string, Promise<string[]>>();
      const digests = new Map<string, Promise<{ digest: string }>>();
      return Promise.all(
        phases.map(async (phase): Promise<GluObservation | Error> => {
          try {
            const options = phase.config as unknown as OciOptions;
            const ref: OciRepositoryRef = parseRepository(options.repository);
            const key = `${ref.registry}/${ref.name}`;
            let tags: string[] | undefined;
            if (options.semver || options.pattern) {
              if (!tagLists.has(key)) tagLists.set(key, client.listTags(ref));
              tags = await tagLists.get(key)!;
            }
            const tag = selectTag(options, tags);
            if (!tag) {
              return new Error(
                `No tag of ${options.repository} matches ${
                  options.semver
                    ? `the range ${options.semver}`
                    : `/${options.pattern}/`
                }`,
              );
            }
            const digestKey = `${key}:${tag}`;
            if (!digests.has(digestKey)) {
              digests.set(digestKey, client.resolveTag(ref, tag));
            }
            const { digest } = await digests.get(digestKey)!;
            return {
              fields: { repository: options.repository, tag, digest },
            };
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      );
    },
  };
}
