import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { GitSourceDefinition } from '@glu-dev/plugin-glu-common';
import {
  GluChange,
  GluFormat,
  GluLimitError,
  GluObservation,
  GluPhaseLocation,
  GluProjection,
  GluSourcePhase,
  GluWritableSource,
  GluWriteRequest,
  GluWriteResult,
} from '@glu-dev/plugin-glu-node';
import { commitUrlOf } from './GitCredentials';
import { GitRepositories } from './GitRepositories';
import { CommitInfo, GitRepository } from './GitRepository';
import { errorMessage } from '../../errors';
import { posix } from 'node:path';
import {
  AnnouncingSource,
  ANNOUNCES_WRITES,
  ExpectedWrite,
} from '../announcedWrites';

/**
 * A failure of Glu's clone (git itself failed, or the remote did not
 * answer), not an answer about the phase's file: the refresh says the
 * repository could not be read, which blocks no edge.
 */
function unavailable(error: unknown): Error {
  if (error instanceof Error && error.name === 'ServiceUnavailableError') {
    return error;
  }
  return new ServiceUnavailableError(errorMessage(error));
}

/**
 * `git`: one file of a Git repository, read and written through a format.
 * Phases are read from one long-lived clone per repository, fetched once per
 * refresh however many phases live in it; writes are commits pushed to the
 * phase's branch (several writes of one moment share one commit), or to a
 * proposal branch for the pull-request strategy.
 */
export class GitSource implements GluWritableSource, AnnouncingSource {
  /** Told of writes on their way (`glu.optimizations.announcedWrites`). */
  readonly [ANNOUNCES_WRITES]: boolean;
  readonly type = 'git';
  readonly writable = true;
  readonly proposals = true;

  /**
   * What each phase was last seen to hold, and at which head of its branch:
   * a branch that did not move, or moved without touching the phase's file,
   * is not read again.
   */
  private readonly seen = new Map<
    string,
    { head: string; observation: GluObservation }
  >();

  constructor(
    private readonly deps: {
      repositories: GitRepositories;
      integrations: ScmIntegrations;
      logger: LoggerService;
      /** Whether the engine announces writes to it; true by default. */
      announcedWrites?: boolean;
    },
  ) {
    this[ANNOUNCES_WRITES] = deps.announcedWrites !== false;
  }

  private definition(phase: GluSourcePhase): GitSourceDefinition {
    return phase.config as GitSourceDefinition;
  }

  private format(phase: GluSourcePhase): GluFormat {
    if (!phase.format) {
      throw new Error(
        `The format ${this.definition(phase).format.type} of ${
          phase.phase
        } is not installed`,
      );
    }
    return phase.format;
  }

  locate(phase: GluSourcePhase): GluPhaseLocation {
    const { repository, branch, path } = this.definition(phase);
    return { repository, branch, path };
  }

  project(
    phase: GluSourcePhase,
    fields: Record<string, string>,
  ): GluProjection {
    const definition = this.definition(phase);
    if (!phase.format) {
      return {
        problem: `the format ${definition.format.type} is not installed`,
      };
    }
    return phase.format.project
      ? phase.format.project(fields, definition.format)
      : { fields: { ...fields } };
  }

  async apply(
    phase: GluSourcePhase,
    content: string,
    change: GluChange,
  ): Promise<string> {
    // A rollback writes the file as it was, exactly: comments and all.
    if ('content' in change) return change.content;
    return this.format(phase).write({
      content,
      fields: change.fields,
      config: this.definition(phase).format,
    });
  }

  /** What a commit tells of the state it made. */
  private byCommit(
    repository: string,
    commit: CommitInfo | undefined,
  ): Partial<GluObservation> {
    if (!commit) return {};
    return {
      revision: commit.sha,
      actor: `${commit.authorName} <${commit.authorEmail}>`,
      url: commitUrlOf(this.deps.integrations, repository, commit.sha),
      message: commit.subject,
    };
  }

  /**
   * What a phase holds in its file at a commit of its branch, from the
   * file's content and the last commit that changed it.
   */
  private async read(
    repository: GitRepository,
    phase: GluSourcePhase,
    head: string | undefined,
    content: string | Error | undefined,
    commit: CommitInfo | undefined,
  ): Promise<GluObservation> {
    const { branch, path, format } = this.definition(phase);
    if (!head) {
      throw new Error(
        `The branch ${branch} does not exist in ${repository.url}`,
      );
    }
    if (content === undefined) {
      throw new Error(
        `The file ${path} does not exist on ${branch} of ${repository.url}`,
      );
    }
    // Not read whole: over the limit of files.
    if (content instanceof Error) throw content;
    let fields: Record<string, string>;
    try {
      fields = await this.format(phase).read({ content, config: format });
    } catch (error) {
      throw new Error(
        `Could not read ${path} as ${format.type}: ${errorMessage(error)}`,
      );
    }
    return {
      fields,
      content,
      ...this.byCommit(repository.url, commit),
    };
  }

  /**
   * Reads the files of phases at their heads: per head, every file in one
   * git process and their last commits in one walk of the history (no
   * further back than the head they were last read at, when they share it).
   */
  private async readAll(
    repository: GitRepository,
    reads: Array<{
      phase: GluSourcePhase;
      head: string | undefined;
      since?: string;
    }>,
  ): Promise<Array<GluObservation | Error>> {
    const byHead = new Map<string, number[]>();
    reads.forEach(({ head }, i) => {
      if (head) byHead.set(head, [...(byHead.get(head) ?? []), i]);
    });
    const files = new Map<
      string,
      {
        contents: Map<string, string | Error>;
        commits: Map<string, CommitInfo>;
      }
    >();
    for (const [head, indexes] of byHead) {
      const paths = [
        ...new Set(indexes.map(i => this.definition(reads[i].phase).path)),
      ];
      const sinces = new Set(indexes.map(i => reads[i].since));
      const contents = await repository.readFiles(head, paths);
      const commits = await repository.lastCommits(
        head,
        paths.filter(p => contents.has(p)),
        sinces.size === 1 ? [...sinces][0] : undefined,
      );
      files.set(head, { contents, commits });
    }
    return Promise.all(
      reads.map(({ phase, head }) => {
        const { path } = this.definition(phase);
        const at = head ? files.get(head) : undefined;
        return this.read(
          repository,
          phase,
          head,
          at?.contents.get(path),
          at?.commits.get(path),
        ).catch(error =>
          error instanceof Error ? error : new Error(String(error)),
        );
      }),
    );
  }

  /** Phases of one repository are observed together: one fetch for them all. */
  groupOf(phase: GluSourcePhase): string {
    return this.definition(phase).repository;
  }

  async observe(
    phases: GluSourcePhase[],
  ): Promise<Array<GluObservation | Error>> {
    const { repositories, logger } = this.deps;
    const results: Array<GluObservation | Error> = new Array(phases.length);
    const byRepository = new Map<string, number[]>();
    phases.forEach((phase, index) => {
      const { repository } = this.definition(phase);
      byRepository.set(repository, [
        ...(byRepository.get(repository) ?? []),
        index,
      ]);
    });
    for (const [url, indexes] of byRepository) {
      const repository = repositories.get(url);
      try {
        await repository.fetch();
      } catch (error) {
        logger.warn(errorMessage(error));
        for (const index of indexes) results[index] = unavailable(error);
        continue;
      }
      const heads = new Map<string, string | undefined>();
      // The phases whose files are read: together, once the others are known.
      const reads: Array<{
        index: number;
        key: string;
        phase: GluSourcePhase;
        head: string | undefined;
        since?: string;
      }> = [];
      // The files that changed since each earlier head, one diff per head.
      const changes = new Map<string, Promise<Set<string>>>();
      for (const index of indexes) {
        const phase = phases[index];
        const definition = this.definition(phase);
        const { branch } = definition;
        const key = JSON.stringify([
          phase.pipelineRef,
          phase.phase,
          definition,
        ]);
        try {
          if (!heads.has(branch)) {
            heads.set(branch, await repository.head(branch));
          }
          const head = heads.get(branch);
          const last = this.seen.get(key);
          if (head && last) {
            if (!changes.has(`${last.head}..${head}`)) {
              changes.set(
                `${last.head}..${head}`,
                last.head === head
                  ? Promise.resolve(new Set())
                  : repository.changedFiles(last.head, head),
              );
            }
            const changed = await changes
              .get(`${last.head}..${head}`)!
              .catch(() => undefined);
            if (changed && !changed.has(posix.normalize(definition.path))) {
              this.seen.set(key, { head, observation: last.observation });
              results[index] = last.observation;
              continue;
            }
          }
          this.seen.delete(key);
          reads.push({ index, key, phase, head, since: last?.head });
        } catch (error) {
          results[index] = unavailable(error);
        }
      }
      try {
        const observations = await this.readAll(repository, reads);
        reads.forEach(({ index, key, head }, i) => {
          const observation = observations[i];
          if (!(observation instanceof Error)) {
            this.seen.set(key, { head: head!, observation });
          }
          results[index] = observation;
        });
      } catch (error) {
        for (const { index } of reads) results[index] = unavailable(error);
      }
    }
    return results;
  }

  /** A commit to the phase's branch waits for the write on its way. */
  expectWrite(phase: GluSourcePhase): ExpectedWrite {
    const { repository, branch } = this.definition(phase);
    return this.deps.repositories.expect(repository, branch);
  }

  async write(
    request: GluWriteRequest,
    expected?: ExpectedWrite,
  ): Promise<GluWriteResult> {
    const { repositories, integrations } = this.deps;
    const { phase, change, message, proposal } = request;
    const { repository, branch, path, format } = this.definition(phase);
    const edit = {
      path,
      apply: (content: string) => this.apply(phase, content, change),
      message,
    };
    const result = proposal
      ? await repositories.propose(repository, branch, proposal.branch, edit)
      : await repositories.write(repository, branch, edit, expected);
    if (result.error) throw result.error;
    const fields = await this.format(phase).read({
      content: result.after,
      config: format,
    });
    if (result.changed) {
      return {
        changed: true,
        before: result.before,
        observed: {
          fields,
          content: result.after,
          revision: result.sha,
          url: commitUrlOf(integrations, repository, result.sha),
          message: message.subject,
        },
      };
    }
    // It held the change already: what it holds, and the commit that made it.
    return {
      changed: false,
      before: result.before,
      observed: {
        fields,
        content: result.after,
        ...this.byCommit(
          repository,
          await repositories.get(repository).lastCommit(result.sha, path),
        ),
      },
    };
  }

  /** Whether a commit of the phase's repository is `earlier` or after it. */
  async includes(
    phase: GluSourcePhase,
    revision: string,
    earlier: string,
  ): Promise<boolean> {
    const { repository } = this.definition(phase);
    return this.deps.repositories
      .get(repository)
      .descendsFrom(revision, earlier);
  }

  /**
   * A file of the phase's repository at a commit, by its path from the
   * repository's root (never outside it), within `glu.limits.fileBytes`.
   */
  async readFile(
    phase: GluSourcePhase,
    path: string,
    revision: string,
  ): Promise<string | undefined> {
    const inside = posix.normalize(path.replace(/^\.\//, ''));
    if (
      posix.isAbsolute(inside) ||
      inside === '..' ||
      inside.startsWith('../')
    ) {
      throw new InputError(
        `${path} is not a path inside the repository: give it from the repository's root, e.g. analysis/error-rate.yaml`,
      );
    }
    const { repository } = this.definition(phase);
    const content = await this.deps.repositories
      .get(repository)
      .readFile(revision, inside);
    if (content instanceof GluLimitError) throw content;
    return content;
  }

  async removeProposal(phase: GluSourcePhase, branch: string): Promise<void> {
    const { repository } = this.definition(phase);
    await this.deps.repositories.get(repository).deleteBranch(branch);
  }
}
