import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { PIPELINE_KIND } from './constants';

/**
 * A pipeline as people name it: `pipeline:default/checkout`,
 * `default/checkout` or `checkout`. Throws an InputError for a ref that is
 * not one, or names another kind.
 *
 * @public
 */
export function parsePipelineRef(
  ref: string | CompoundEntityRef,
): CompoundEntityRef {
  let parsed: CompoundEntityRef | undefined;
  try {
    parsed =
      typeof ref === 'string'
        ? parseEntityRef(ref, {
            defaultKind: PIPELINE_KIND,
            defaultNamespace: 'default',
          })
        : ref;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.kind.toLocaleLowerCase() !== 'pipeline') {
    throw new InputError(
      `Not a pipeline's entity ref: ${
        typeof ref === 'string' ? ref : JSON.stringify(ref)
      } (e.g. pipeline:default/checkout)`,
    );
  }
  return parsed;
}
