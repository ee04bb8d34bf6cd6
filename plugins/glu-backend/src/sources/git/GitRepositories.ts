import { LoggerService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ExpectedWrite } from '../announcedWrites';
import { BranchWriteQueue, DEFAULT_GATHERING } from './BranchWriteQueue';
import { GitCredentials } from './GitCredentials';
import {
  CommitAuthor,
  FileEdit,
  FileEditResult,
  GitRepository,
} from './GitRepository';
import { GluTelemetry } from '../../telemetry/GluTelemetry';
import { GitClock, systemClock } from './clock';

/** The long-lived clones, one per repository, under the working directory. */
export class GitRepositories {
  private readonly repositories = new Map<string, GitRepository>();
  private readonly queues = new Map<string, BranchWriteQueue>();

  constructor(
    private readonly options: {
      workingDirectory: string;
      credentials: GitCredentials;
      logger: LoggerService;
      author: CommitAuthor;
      /**
       * How edits that keep coming are gathered into one commit: until no
       * new one came for `pauseMillis`, at most `windowMillis` after the
       * first (DEFAULT_GATHERING by default).
       */
      gathering?: { pauseMillis: number; windowMillis: number };
      /** The time that writes are gathered by; the system's by default. */
      clock?: GitClock;
      /** How long one git operation may take before it is stopped. */
      timeoutMillis?: number;
      /** How large a file may be to be read (`glu.limits.fileBytes`). */
      maxFileBytes: number;
      /** Spans and durations of git operations. */
      telemetry?: GluTelemetry;
    },
  ) {
    this.telemetry = options.telemetry ?? new GluTelemetry();
  }

  private readonly telemetry: GluTelemetry;

  get(url: string): GitRepository {
    let repository = this.repositories.get(url);
    if (!repository) {
      const id = createHash('sha256').update(url).digest('hex').slice(0, 16);
      repository = new GitRepository(
        url,
        path.join(this.options.workingDirectory, 'repositories', id),
        this.options.credentials,
        this.options.logger.child({ repository: url }),
        this.options.timeoutMillis,
        this.telemetry,
        this.options.clock,
        this.options.maxFileBytes,
      );
      this.repositories.set(url, repository);
    }
    return repository;
  }

  /**
   * Commits an edit on top of a branch and pushes it to a proposal branch of
   * Glu's own, replacing what that branch held.
   */
  async propose(
    url: string,
    branch: string,
    proposalBranch: string,
    edit: FileEdit,
  ): Promise<FileEditResult> {
    const [result] = await this.get(url).commit({
      branch,
      pushTo: proposalBranch,
      author: this.options.author,
      edits: [edit],
    });
    return result;
  }

  /**
   * Commits an edit, together with the other edits of the same moment: those
   * asked for with it, and those announced (`expect`) and not yet asked for.
   */
  write(
    url: string,
    branch: string,
    edit: FileEdit,
    expected?: ExpectedWrite,
  ): Promise<FileEditResult> {
    return this.queueOf(url, branch).submit(edit, expected);
  }

  /** An edit of this branch is on its way: its commit waits for it. */
  expect(url: string, branch: string): ExpectedWrite {
    return this.queueOf(url, branch).expect();
  }

  private queueOf(url: string, branch: string): BranchWriteQueue {
    const key = `${url}#${branch}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new BranchWriteQueue(
        this.get(url),
        branch,
        this.options.author,
        this.options.gathering ?? DEFAULT_GATHERING,
        this.options.clock ?? systemClock,
      );
      this.queues.set(key, queue);
    }
    return queue;
  }
}
