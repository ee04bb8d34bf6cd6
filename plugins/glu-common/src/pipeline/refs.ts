import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';

/** Names of kinds, namespaces and entities, as the catalog allows them. */
const ENTITY_NAME = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

/** The entity ref that the text stands for, with these defaults, or why it is none. */
export function refProblem(
  value: string,
  defaultKind: string,
  defaultNamespace: string,
): { ref?: CompoundEntityRef; problem?: string } {
  const problem = {
    problem: `"${value}" is not an entity reference like ${defaultKind}:default/name`,
  };
  try {
    const ref = parseEntityRef(value, { defaultKind, defaultNamespace });
    const valid = [ref.kind, ref.namespace, ref.name].every(part =>
      ENTITY_NAME.test(part),
    );
    return valid ? { ref } : problem;
  } catch (error) {
    return problem;
  }
}
