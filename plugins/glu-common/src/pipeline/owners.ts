import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { refProblem } from './refs';

/**
 * The kinds of entity that may own a pipeline.
 *
 * @public
 */
export const PIPELINE_OWNER_KINDS: readonly string[] = ['group', 'user'];

/**
 * The full ref of an owner, as Glu compares owners everywhere: kind `group`
 * and the namespace given when the text leaves them out, in lower case (the
 * catalog's own comparison). A pipeline's `spec.owner` is resolved in the
 * pipeline's namespace, as the catalog resolves refs in an entity's spec
 * (`team-checkout` of a pipeline in `payments` is
 * `group:payments/team-checkout`); owners named in app-config in `default`.
 * Throws an InputError for text that is not the ref of a group or a user.
 *
 * @public
 */
export function pipelineOwnerRef(owner: string, namespace: string): string {
  const { ref, problem } = refProblem(owner, 'group', namespace);
  if (!ref) throw new InputError(problem);
  const full = stringifyEntityRef(ref);
  if (!PIPELINE_OWNER_KINDS.includes(ref.kind.toLocaleLowerCase('en-US'))) {
    throw new InputError(
      `${full} is not a group or a user; only they own pipelines`,
    );
  }
  return full;
}
