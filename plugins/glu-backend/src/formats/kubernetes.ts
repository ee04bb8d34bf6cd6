import { GluFormat } from '@glu-dev/plugin-glu-node';
import { Document, isMap, isSeq } from 'yaml';
import {
  formatImageReference,
  imageFieldsRecord,
  imageProjection,
  parseImageReference,
} from './image';
import { heldFields } from './projection';
import { applyEdits, nodeAt, scalarString } from './yamlEdit';
import {
  parseYamlFile,
  YamlFile,
  YamlFormatError,
  YamlLimits,
} from './yamlParse';

const POD_SPEC = ['spec', 'template', 'spec'];

/** Where each workload kind keeps its pod's containers. */
const CONTAINERS_PATH: Record<string, string[]> = {
  Deployment: [...POD_SPEC, 'containers'],
  StatefulSet: [...POD_SPEC, 'containers'],
  DaemonSet: [...POD_SPEC, 'containers'],
  ReplicaSet: [...POD_SPEC, 'containers'],
  Job: [...POD_SPEC, 'containers'],
  CronJob: ['spec', 'jobTemplate', ...POD_SPEC, 'containers'],
  Pod: ['spec', 'containers'],
};

interface KubernetesOptions {
  container?: string;
  workload?: string;
}

interface Workload {
  document: Document.Parsed;
  kind: string;
  /** `Deployment/api`, for messages. */
  label: string;
}

/** The containers of a workload, and where they are in its document. */
function containersOf({ document, kind }: Workload) {
  const path = CONTAINERS_PATH[kind];
  const containers = nodeAt(document.contents, path);
  return { path, items: isSeq(containers) ? containers.items : [] };
}

/** The names of a workload's containers, for a message that says what is there. */
function containerList(workload: Workload): string {
  const names = containersOf(workload).items.map(item =>
    isMap(item)
      ? scalarString(item.get('name', true)) ?? '(no name)'
      : '(not a container)',
  );
  return names.length ? `containers ${names.join(', ')}` : 'no containers';
}

function locateImage(
  file: YamlFile,
  options: KubernetesOptions,
): { document: Document.Parsed; path: (string | number)[]; value: string } {
  const workloads: Workload[] = [];
  for (const document of file.documents) {
    const kind = scalarString(nodeAt(document.contents, ['kind']));
    const name = scalarString(nodeAt(document.contents, ['metadata', 'name']));
    if (!kind || !CONTAINERS_PATH[kind]) continue;
    if (options.workload && name !== options.workload) continue;
    workloads.push({ document, kind, label: `${kind}/${name ?? '(no name)'}` });
  }
  if (workloads.length === 0) {
    throw new YamlFormatError(
      options.workload
        ? `no workload named "${options.workload}" in the file`
        : `no workload (${Object.keys(CONTAINERS_PATH).join(
            ', ',
          )}) in the file`,
    );
  }
  let found: { workload: Workload; path: (string | number)[] } | undefined;
  if (!options.container) {
    // The first container of the first workload.
    const { path, items } = containersOf(workloads[0]);
    if (items.length === 0) {
      throw new YamlFormatError(`the ${workloads[0].kind} has no containers`);
    }
    found = { workload: workloads[0], path: [...path, 0] };
  } else {
    // A container named alone may be in any workload of the file, but in
    // one only: the file says which image to change, or it is an error.
    const matches = workloads.flatMap(workload => {
      const { path, items } = containersOf(workload);
      const index = items.findIndex(
        item =>
          isMap(item) &&
          scalarString(item.get('name', true)) === options.container,
      );
      return index < 0 ? [] : [{ workload, path: [...path, index] }];
    });
    if (matches.length > 1) {
      throw new YamlFormatError(
        `the container "${options.container}" is in ${
          matches.length
        } workloads: ${matches
          .map(match => match.workload.label)
          .join(', ')}; set workload to one of them`,
      );
    }
    found = matches[0];
    if (!found) {
      throw new YamlFormatError(
        workloads.length === 1
          ? `the ${workloads[0].kind} has no container named "${
              options.container
            }" (${containerList(workloads[0])})`
          : `no workload in the file has a container named "${
              options.container
            }" (${workloads
              .map(workload => `${workload.label}: ${containerList(workload)}`)
              .join('; ')})`,
      );
    }
  }
  const path = [...found.path, 'image'];
  const { document } = found.workload;
  const value = scalarString(nodeAt(document.contents, path));
  if (!value) {
    throw new YamlFormatError(`the container has no image`);
  }
  return { document, path, value };
}

/**
 * `kubernetes`: the image of a container in a Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job, CronJob or Pod. The container is chosen by name
 * (`container`), in whichever workload of the file has it; by default, the
 * first container of the first workload. The workload can be chosen by
 * `metadata.name` (`workload`).
 */
export function createKubernetesFormat(limits: YamlLimits): GluFormat {
  return {
    type: 'kubernetes',
    async read({ content, config }) {
      const { value } = locateImage(
        parseYamlFile(content, limits),
        config as KubernetesOptions,
      );
      return imageFieldsRecord(parseImageReference(value));
    },
    async write({ content, fields, config }) {
      const { repository, tag, digest } = heldFields(
        imageProjection(fields, 'kubernetes'),
      );
      const file = parseYamlFile(content, limits);
      const { document, path } = locateImage(file, config as KubernetesOptions);
      return applyEdits(
        file,
        [
          {
            document,
            path,
            value: formatImageReference({ repository, tag, digest }),
          },
        ],
        limits,
      );
    },
    project: fields => imageProjection(fields, 'kubernetes'),
  };
}
