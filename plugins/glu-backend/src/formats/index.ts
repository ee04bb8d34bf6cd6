import { GluFormat } from '@glu-dev/plugin-glu-node';
import { helmValuesFormat } from './helmValues';
import { kubernetesFormat } from './kubernetes';
import { kustomizeFormat } from './kustomize';
import { yamlPathFormat } from './yamlPath';

export { YamlFormatError } from './yamlEdit';

/** The formats that Glu provides, registered like anyone else's. */
export const builtInFormats: GluFormat[] = [
  kubernetesFormat,
  kustomizeFormat,
  helmValuesFormat,
  yamlPathFormat,
];
