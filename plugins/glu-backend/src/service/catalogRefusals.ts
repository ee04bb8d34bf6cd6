import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogRefusal } from '@glu-dev/plugin-glu-common';
import { PipelineNotFoundError } from '../errors';
import { CatalogRefusals } from '../store/CatalogRefusals';

/** Who reports refusals: the catalog, through its Glu module. */
const CATALOG_SUBJECT = 'plugin:catalog';

/**
 * How long a refusal shows without being repeated. The catalog processes a
 * refused entity again at every turn (minutes apart), and the module
 * reports each refusal, so one not repeated for this long is of a
 * definition that is gone or that another catalog replica accepted.
 */
const REPEATED_WITHIN_MILLIS = 30 * 60_000;

/**
 * The pipeline definitions that the catalog refused: recorded by the
 * catalog, shown to the pipelines' owners, and named in the 404 of a
 * pipeline that is not there because of one.
 */
export class CatalogRefusalService {
  constructor(
    private readonly deps: {
      refusals: CatalogRefusals;
      auth: AuthService;
      userInfo: UserInfoService;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private since(): Date {
    return new Date(this.now().getTime() - REPEATED_WITHIN_MILLIS);
  }

  private requireCatalog(credentials: BackstageCredentials) {
    if (
      !this.deps.auth.isPrincipal(credentials, 'service') ||
      credentials.principal.subject !== CATALOG_SUBJECT
    ) {
      throw new NotAllowedError(
        `Only the catalog (${CATALOG_SUBJECT}) reports which pipeline definitions it refused`,
      );
    }
  }

  async record(
    pipelineRef: string,
    refusal: { owner?: string; reason: string },
    credentials: BackstageCredentials,
  ): Promise<void> {
    this.requireCatalog(credentials);
    await this.deps.refusals.record({
      pipelineRef,
      ...(refusal.owner
        ? { owner: refusal.owner.toLocaleLowerCase('en-US') }
        : {}),
      reason: refusal.reason,
      refusedAt: this.now(),
    });
  }

  async forget(
    pipelineRef: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    this.requireCatalog(credentials);
    await this.deps.refusals.accept(pipelineRef);
  }

  /** The refusals of the calling user's pipelines (theirs and their groups'). */
  async listOwn(credentials: BackstageCredentials): Promise<CatalogRefusal[]> {
    if (!this.deps.auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError(
        "The refused definitions are listed to their owners, and need a user's token",
      );
    }
    const { ownershipEntityRefs } = await this.deps.userInfo.getUserInfo(
      credentials,
    );
    const owners = ownershipEntityRefs.map(ref =>
      ref.toLocaleLowerCase('en-US'),
    );
    const refusals = await this.deps.refusals.ofOwners(owners, this.since());
    return refusals.map(r => ({ ...r, refusedAt: r.refusedAt.toISOString() }));
  }

  /**
   * The answer for an error: a pipeline not found because the catalog
   * refused its definition says so, and why; any other error as it is.
   */
  async explain(error: unknown): Promise<unknown> {
    if (!(error instanceof PipelineNotFoundError)) return error;
    const refusal = await this.deps.refusals.get(
      error.pipelineRef,
      this.since(),
    );
    if (!refusal) return error;
    return new NotFoundError(
      `No pipeline ${error.pipelineRef}: the catalog refused its definition: ${refusal.reason}`,
    );
  }
}
