import { GluLimitError } from '@glu-dev/plugin-glu-node';
import { FAILSAFE_SCHEMA, load, LoadOptions } from 'js-yaml';
import { YamlLimits } from '../formats/yamlParse';

/** A version of a chart, as its repository's index lists it. */
export interface ChartVersion {
  version: string;
  digest?: string;
}

/**
 * What Glu keeps of a chart repository's index: per chart, its versions as
 * JSON, read on demand; a chart whose list is another's (a YAML alias)
 * names that chart instead of repeating it.
 */
export type ChartIndexEntries = Record<string, string | { as: string }>;

/**
 * The versions of every chart of an `index.yaml`. The index is data to
 * read, not a file to edit in place, and large by nature (tens of MB for a
 * public repository): it is read with js-yaml, several times faster than
 * the `yaml` package for this and without its syntax tree. Every value is
 * read as the text it is (the failsafe schema: a digest of digits stays a
 * string, merge keys are not applied); aliases stay references, never
 * expanded; collections deeper than `glu.limits.yamlDepth` are refused as
 * they are read.
 */
export function readChartIndex(
  text: string,
  limits: YamlLimits,
): ChartIndexEntries {
  let depth = 0;
  const options: LoadOptions & { maxDepth: number } = {
    schema: FAILSAFE_SCHEMA,
    // Every node opens a level, a scalar too: collections are one fewer.
    listener(event) {
      if (event === 'close') depth--;
      else if (++depth > limits.yamlDepth + 1) {
        throw new GluLimitError(
          `the index nests deeper than glu.limits.yamlDepth (${limits.yamlDepth} levels)`,
        );
      }
    },
    // js-yaml's own limit of depth, past ours.
    maxDepth: limits.yamlDepth + 2,
  };
  const index = load(text, options) as { entries?: unknown } | null;
  const entries = index?.entries;
  const listed: ChartIndexEntries = {};
  if (!entries || typeof entries !== 'object') return listed;
  const charts = new Map<unknown, string>();
  for (const [chart, versions] of Object.entries(entries)) {
    if (!Array.isArray(versions)) continue;
    const same = charts.get(versions);
    if (same !== undefined) {
      listed[chart] = { as: same };
      continue;
    }
    charts.set(versions, chart);
    listed[chart] = JSON.stringify(
      versions.flatMap((entry): ChartVersion[] => {
        if (!entry || typeof entry !== 'object' || !('version' in entry)) {
          return [];
        }
        const { version, digest } = entry as Record<string, unknown>;
        return [
          {
            version: String(version),
            ...(typeof digest === 'string' ? { digest } : {}),
          },
        ];
      }),
    );
  }
  return listed;
}

/** The versions of a chart, as `readChartIndex` kept them; undefined for a chart it has not. */
export function chartVersions(
  entries: ChartIndexEntries,
  chart: string,
): ChartVersion[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(entries, chart)) return undefined;
  const listed = entries[chart];
  const json = typeof listed === 'string' ? listed : entries[listed.as];
  return typeof json === 'string' ? JSON.parse(json) : undefined;
}
