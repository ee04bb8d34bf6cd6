import { ConfigReader } from '@backstage/config';
import { gluLimits } from '@glu-dev/plugin-glu-node';
import { createHelmValuesFormat } from '../formats/helmValues';
import { createKubernetesFormat } from '../formats/kubernetes';
import { createKustomizeFormat } from '../formats/kustomize';
import { createYamlPathFormat } from '../formats/yamlPath';
import { parseYamlFile as parseWithin } from '../formats/yamlParse';

const limits = gluLimits(new ConfigReader({}));
export const kubernetesFormat = createKubernetesFormat(limits);
export const kustomizeFormat = createKustomizeFormat(limits);
export const helmValuesFormat = createHelmValuesFormat(limits);
export const yamlPathFormat = createYamlPathFormat(limits);
export const parseYamlFile = (content: string) => parseWithin(content, limits);

/**
 * What a write changed, line by line: `-` for a line taken out, `+` for a
 * line put in, in order. Every line not listed is in both texts, in the same
 * order (a longest-common-subsequence diff).
 */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // kept[i][j]: how many lines a[i..] and b[j..] have in common, in order.
  const kept = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      kept[i][j] =
        a[i] === b[j]
          ? kept[i + 1][j + 1] + 1
          : Math.max(kept[i + 1][j], kept[i][j + 1]);
    }
  }
  const diff: string[] = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (
      i < a.length &&
      (j === b.length || kept[i + 1][j] >= kept[i][j + 1])
    ) {
      diff.push(`-${a[i++]}`);
    } else {
      diff.push(`+${b[j++]}`);
    }
  }
  return diff;
}

/** A Deployment of two containers and its Service, in one file. */
export const deployment = `# The checkout service in production.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout   # keep this comment
  labels: { app: checkout, tier: "web" }
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: sidecar
          image: envoyproxy/envoy:v1.30.1
        - name: app
          image: "registry.example.com/acme/checkout:1.4.0" # pinned by Glu
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: checkout
`;
