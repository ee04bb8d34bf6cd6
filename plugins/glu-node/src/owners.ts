import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { withinDeadline } from './deadlines';

/** Refs asked about in one question to the catalog. */
const PAGE = 500;
/** Owners remembered as present, at most; the memory starts afresh beyond. */
const KEPT = 10_000;

/**
 * Why a pipeline whose owner is not in the catalog may not write: an owner
 * that is not in the catalog owns nothing.
 *
 * @public
 */
export function ownerMissingProblem(owner: string): string {
  return `its owner ${owner} is not in the catalog: it owns nothing`;
}

/**
 * Whether the owners of pipelines are in the catalog. A pipeline's owner
 * must be a group or a user that the catalog holds; one that is not owns
 * nothing, so the catalog refuses such a pipeline and Glu writes nowhere
 * for it.
 *
 * @public
 */
export class GluPipelineOwners {
  /** Owners found present, until when they are taken as present still. */
  private readonly present = new Map<string, number>();

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      /** How long one question to the catalog may take. */
      timeoutMillis: number;
      /**
       * How long an owner found present is taken as present without asking
       * again (for validation, which asks about one pipeline at a time); 0,
       * the default, always asks. An owner found missing is always asked
       * about again, so that a pipeline refused before its owner reached
       * the catalog is accepted at its next processing.
       */
      keepPresentMillis?: number;
    },
  ) {}

  /**
   * The owners among these (full refs, as definitions hold them) that are
   * not in the catalog. Throws when the catalog cannot be asked.
   */
  async missing(owners: Iterable<string>): Promise<Set<string>> {
    const now = Date.now();
    const unknown = [...new Set(owners)].filter(
      owner => (this.present.get(owner) ?? 0) <= now,
    );
    const missing = new Set<string>();
    if (unknown.length === 0) return missing;
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    for (let i = 0; i < unknown.length; i += PAGE) {
      const refs = unknown.slice(i, i + PAGE);
      const { items } = await withinDeadline(
        this.deps.catalog.getEntitiesByRefs(
          { entityRefs: refs, fields: ['kind', 'metadata.name'] },
          { credentials },
        ),
        this.deps.timeoutMillis,
      ).catch(error => {
        throw new Error(
          `Could not ask the catalog whether ${
            refs.length === 1 ? refs[0] : `${refs.length} owners`
          } ${refs.length === 1 ? 'is' : 'are'} in it: ${
            (error as Error).message ?? error
          }`,
        );
      });
      refs.forEach((ref, index) => {
        if (!items[index]) {
          missing.add(ref);
          this.present.delete(ref);
        } else if (this.deps.keepPresentMillis) {
          if (this.present.size >= KEPT) this.present.clear();
          this.present.set(ref, now + this.deps.keepPresentMillis);
        }
      });
    }
    return missing;
  }
}
