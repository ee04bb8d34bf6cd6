/*
 * The write queue of one branch: edits of one moment gathered into one
 * commit, by time (a pause, a window) and by the writes announced to be on
 * their way.
 */
import { ExpectedWrite } from '../announcedWrites';
import {
  CommitAuthor,
  FileEdit,
  FileEditResult,
  GitRepository,
} from './GitRepository';
import { GitClock } from './clock';

interface Pending {
  edit: FileEdit;
  askedAt: number;
  resolve(result: FileEditResult): void;
  reject(error: Error): void;
}

/**
 * Edits to one branch of one repository, gathered while they keep coming
 * (until a pause of `pauseMillis`, at most `windowMillis` after the first)
 * and while a write is under way, so that promotions that happen together
 * share one commit and one push: a commit costs about the same for one edit
 * as for a hundred. A lone edit waits one pause. Edits announced before they
 * are asked for (`expect`: promotions decided, on their way) are waited for
 * within the window, and the fetch that their commit builds on starts when
 * the first is announced.
 */
export class BranchWriteQueue {
  private pending: Pending[] = [];
  private readonly expected = new Set<ExpectedWrite>();
  /** Calls off the timer of the next commit, when one is set. */
  private cancelTimer?: () => void;
  private running = false;
  /** When the last commit of this queue landed (epoch milliseconds). */
  private landedAt?: number;

  constructor(
    private readonly repository: GitRepository,
    private readonly branch: string,
    private readonly author: CommitAuthor,
    private readonly gathering: { pauseMillis: number; windowMillis: number },
    private readonly clock: GitClock,
  ) {}

  /** An edit on its way: the next commit waits for it (within its window). */
  expect(): ExpectedWrite {
    const since = this.clock.now();
    this.fetchFor(since, this.pending.length + this.expected.size);
    const expected: ExpectedWrite = {
      since,
      cancel: () => {
        if (this.expected.delete(expected)) this.schedule();
      },
    };
    this.expected.add(expected);
    // The edits pending wait for it now.
    this.schedule();
    return expected;
  }

  submit(edit: FileEdit, expected?: ExpectedWrite): Promise<FileEditResult> {
    return new Promise((resolve, reject) => {
      // Asked for when it was announced, if it was.
      const askedAt =
        expected && this.expected.delete(expected)
          ? expected.since
          : this.clock.now();
      this.pending.push({ edit, askedAt, resolve, reject });
      this.fetchFor(askedAt, this.pending.length - 1 + this.expected.size);
      this.schedule();
    });
  }

  /**
   * The commit builds on a fetch that started after its first edit was asked
   * for (or announced): started with the first edit of the next commit
   * (none other pending or announced), it runs while the batch gathers. Its
   * failure is the commit's to report.
   */
  private fetchFor(askedAt: number, others: number) {
    if (others > 0 || this.running || this.continues(askedAt)) return;
    // Joined by the commit's own fetch (`startedSince`).
    this.repository.fetch({ startedSince: askedAt }).catch(() => {});
  }

  /**
   * Edits asked for while the last commit was under way are the same burst:
   * their commit builds on that one, without a fetch.
   */
  private continues(askedAt: number): boolean {
    return this.landedAt !== undefined && askedAt <= this.landedAt;
  }

  private schedule() {
    if (this.running || this.pending.length === 0) return;
    this.cancelTimer?.();
    const { pauseMillis, windowMillis } = this.gathering;
    const askedAt = Math.min(...this.pending.map(p => p.askedAt));
    const left = windowMillis - (this.clock.now() - askedAt);
    // Edits on their way are waited for, within the window.
    const wait = this.expected.size > 0 ? left : Math.min(pauseMillis, left);
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = undefined;
      void this.flush();
    }, Math.max(0, wait));
  }

  private async flush() {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.running = true;
    try {
      const askedAt = Math.min(...batch.map(p => p.askedAt));
      const results = await this.repository.commit({
        branch: this.branch,
        edits: batch.map(p => p.edit),
        author: this.author,
        askedAt,
        continues: this.continues(askedAt),
      });
      if (results.some(r => r.changed)) this.landedAt = this.clock.now();
      batch.forEach((p, i) => {
        const result = results[i];
        if (result.error) p.reject(result.error);
        else p.resolve(result);
      });
    } catch (error) {
      batch.forEach(p =>
        p.reject(error instanceof Error ? error : new Error(String(error))),
      );
    } finally {
      this.running = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}

/**
 * How edits that keep coming are gathered into one commit unless told
 * otherwise (`glu.git.gathering`): a pause of 10 ms, a window of 500 ms.
 */
export const DEFAULT_GATHERING = { pauseMillis: 10, windowMillis: 500 };
