import { ServiceUnavailableError } from '@backstage/errors';
import {
  fetchWithDeadline,
  fetchWithinLimit,
  GluLimitError,
  GluLimits,
  gluLimits,
  gluLimitSetting,
  GluObservation,
  GluSource,
  GluSourcePhase,
} from '@glu-dev/plugin-glu-node';
import semver from 'semver';
import {
  ChartIndexEntries,
  ChartVersion,
  chartVersions,
} from '../../documents/chartIndex';
import { DocumentThreads } from '../../documents/DocumentThreads';
import {
  answerError,
  OciRegistryClient,
  parseRepository,
  RegistryError,
} from '../oci/OciRegistryClient';

interface HelmOptions {
  repository: string;
  chart: string;
  semver?: string;
  prerelease?: boolean;
}

/** The highest version in a range, or undefined. */
function highest(
  versions: ChartVersion[],
  range: string,
  prerelease: boolean,
): ChartVersion | undefined {
  return versions
    .filter(
      v =>
        semver.valid(v.version) &&
        semver.satisfies(v.version, range, { includePrerelease: prerelease }),
    )
    .sort((a, b) => semver.rcompare(a.version, b.version))[0];
}

/**
 * Chart repositories over HTTP: their index.yaml, fetched only when it
 * changed, read up to `glu.limits.chartIndexBytes` and parsed off the main
 * thread (an index is tens of MB for a public repository).
 */
class HelmIndexes {
  private readonly cache = new Map<
    string,
    { etag: string; entries: ChartIndexEntries }
  >();

  constructor(
    private readonly fetchImpl: typeof fetch,
    private readonly threads: DocumentThreads,
  ) {}

  async versions(repository: string, chart: string): Promise<ChartVersion[]> {
    const url = `${repository.replace(/\/+$/, '')}/index.yaml`;
    const cached = this.cache.get(url);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: cached ? { 'if-none-match': cached.etag } : {},
      });
    } catch (error) {
      if (error instanceof GluLimitError) {
        throw new RegistryError(
          `The chart repository ${repository}: ${error.message}`,
        );
      }
      throw new ServiceUnavailableError(
        `The chart repository ${repository} cannot be reached: ${
          (error as Error).cause ?? (error as Error).message
        }`,
      );
    }
    let entries: ChartIndexEntries;
    if (response.status === 304 && cached) {
      entries = cached.entries;
    } else if (response.ok) {
      try {
        entries = await this.threads.run({
          kind: 'chart-index',
          bytes: await response.arrayBuffer(),
        });
      } catch (error) {
        throw new RegistryError(
          `The chart repository ${repository}: ${
            error instanceof GluLimitError ? '' : 'could not read index.yaml: '
          }${(error as Error).message}`,
        );
      }
      const etag = response.headers.get('etag');
      if (etag) this.cache.set(url, { etag, entries });
    } else {
      throw answerError(
        `The chart repository ${repository} answered ${response.status} for index.yaml`,
        response.status,
      );
    }
    const versions = chartVersions(entries, chart);
    if (!versions) {
      throw new RegistryError(
        `The chart repository ${repository} has no chart ${chart}`,
      );
    }
    return versions;
  }
}

/**
 * `helm`: the versions of a chart in an HTTP chart repository (`index.yaml`)
 * or an OCI registry (`oci://`), the highest in a semver range (`semver`, by
 * default any). The resource is the chart version and its digest.
 */
export function createHelmSource(
  client: OciRegistryClient,
  http: {
    fetch?: typeof fetch;
    timeoutMillis?: number;
    /** The limits of `glu.limits`; their defaults when left out. */
    limits?: GluLimits;
    /** Where indexes are parsed; threads of its own when left out. */
    threads?: DocumentThreads;
  } = {},
): GluSource {
  const limits = http.limits ?? gluLimits();
  const indexes = new HelmIndexes(
    fetchWithinLimit(
      {
        bytes: limits.chartIndexBytes,
        setting: gluLimitSetting('chartIndexBytes'),
      },
      fetchWithDeadline(http.timeoutMillis ?? 30_000, http.fetch),
    ),
    http.threads ?? new DocumentThreads(limits),
  );
  return {
    type: 'helm',
    writable: false,
    async observe(phases: GluSourcePhase[]) {
      const lists = new Map<string, Promise<ChartVersion[]>>();
      return Promise.all(
        phases.map(async (phase): Promise<GluObservation | Error> => {
          try {
            const options = phase.config as unknown as HelmOptions;
            const range = options.semver ?? '*';
            const oci = options.repository.startsWith('oci://');
            const key = `${options.repository}#${options.chart}`;
            if (!lists.has(key)) {
              lists.set(
                key,
                oci
                  ? client
                      .listTags(
                        parseRepository(
                          `${options.repository.replace(/\/+$/, '')}/${
                            options.chart
                          }`,
                        ),
                      )
                      // OCI tags cannot hold "+", which Helm writes as "_".
                      .then(tags =>
                        tags.map(tag => ({ version: tag.replace(/_/g, '+') })),
                      )
                  : indexes.versions(options.repository, options.chart),
              );
            }
            const chosen = highest(
              await lists.get(key)!,
              range,
              options.prerelease ?? false,
            );
            if (!chosen) {
              return new Error(
                `No version of the chart ${options.chart} in ${options.repository} matches ${range}`,
              );
            }
            let digest: string | undefined;
            if (chosen.digest) {
              digest = chosen.digest.startsWith('sha256:')
                ? chosen.digest
                : `sha256:${chosen.digest}`;
            }
            if (oci) {
              const ref = parseRepository(
                `${options.repository.replace(/\/+$/, '')}/${options.chart}`,
              );
              digest = (
                await client.resolveTag(ref, chosen.version.replace(/\+/g, '_'))
              ).digest;
            }
            return {
              fields: {
                chart: options.chart,
                version: chosen.version,
                ...(digest ? { digest } : {}),
              },
            };
          } catch (error) {
            return error instanceof Error ? error : new Error(String(error));
          }
        }),
      );
    },
  };
}
