import { GluFormat } from '@glu-dev/plugin-glu-node';
import { createHelmValuesFormat } from './helmValues';
import { createKubernetesFormat } from './kubernetes';
import { createKustomizeFormat } from './kustomize';
import { createYamlPathFormat } from './yamlPath';
import { YamlLimits } from './yamlParse';

export { YamlFormatError } from './yamlParse';

/** The formats that Glu provides, reading and writing where they are called. */
export function formatsWithin(limits: YamlLimits): GluFormat[] {
  return [
    createKubernetesFormat(limits),
    createKustomizeFormat(limits),
    createHelmValuesFormat(limits),
    createYamlPathFormat(limits),
  ];
}
