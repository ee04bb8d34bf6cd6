import { GluFormat } from '@glu-dev/plugin-glu-node';
import { Document, isMap, isSeq } from 'yaml';
import {
  formatImageReference,
  imageFieldsOf,
  imageFieldsRecord,
  parseImageReference,
} from './image';
import {
  applyEdits,
  nodeAt,
  parseYamlFile,
  scalarString,
  YamlFile,
  YamlFormatError,
} from './yamlEdit';

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

function locateImage(
  file: YamlFile,
  options: KubernetesOptions,
): { document: Document.Parsed; path: (string | number)[]; value: string } {
  const workloads = file.documents.filter(document => {
    const kind = scalarString(nodeAt(document.contents, ['kind']));
    if (!kind || !CONTAINERS_PATH[kind]) return false;
    return (
      !options.workload ||
      scalarString(nodeAt(document.contents, ['metadata', 'name'])) ===
        options.workload
    );
  });
  if (workloads.length === 0) {
    throw new YamlFormatError(
      options.workload
        ? `no workload named "${options.workload}" in the file`
        : `no workload (${Object.keys(CONTAINERS_PATH).join(
            ', ',
          )}) in the file`,
    );
  }
  const document = workloads[0];
  const kind = scalarString(nodeAt(document.contents, ['kind']))!;
  const containersPath = CONTAINERS_PATH[kind];
  const containers = nodeAt(document.contents, containersPath);
  if (!isSeq(containers) || containers.items.length === 0) {
    throw new YamlFormatError(`the ${kind} has no containers`);
  }
  const index = options.container
    ? containers.items.findIndex(
        item =>
          isMap(item) &&
          scalarString(item.get('name', true)) === options.container,
      )
    : 0;
  if (index < 0) {
    throw new YamlFormatError(
      `the ${kind} has no container named "${options.container}"`,
    );
  }
  const path = [...containersPath, index, 'image'];
  const value = scalarString(nodeAt(document.contents, path));
  if (!value) {
    throw new YamlFormatError(`the container has no image`);
  }
  return { document, path, value };
}

/**
 * `kubernetes`: the image of a container in a Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job, CronJob or Pod. The container is chosen by name
 * (`container`), the first by default; the workload by `metadata.name`
 * (`workload`), the first in the file by default.
 */
export const kubernetesFormat: GluFormat = {
  type: 'kubernetes',
  async read({ content, config }) {
    const { value } = locateImage(
      parseYamlFile(content),
      config as KubernetesOptions,
    );
    return imageFieldsRecord(parseImageReference(value));
  },
  async write({ content, fields, config }) {
    const file = parseYamlFile(content);
    const { document, path } = locateImage(file, config as KubernetesOptions);
    const image = imageFieldsOf(fields, 'kubernetes');
    return applyEdits(file, [
      { document, path, value: formatImageReference(image) },
    ]);
  },
};
