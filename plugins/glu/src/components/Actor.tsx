import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * Who did something: a link to the user or group when it is a catalog
 * entity, else its name (a commit's author, a service).
 */
export function Actor(props: { actor?: string }) {
  const { actor } = props;
  if (!actor) return <>someone</>;
  if (/^(user|group):/i.test(actor)) {
    try {
      return <EntityRefLink entityRef={parseEntityRef(actor)} />;
    } catch {
      // Not a valid ref after all: show it as it is.
    }
  }
  return <>{actor}</>;
}
