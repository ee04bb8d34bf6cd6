import { FakeProject } from './api';

/** A merge request, as the fake keeps it. */
export interface FakeMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  sourceBranch: string;
  targetBranch: string;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  labels: string[];
  /** The comments (notes) people and Glu left, oldest first. */
  notes: string[];
  /** The head of the source branch when it was merged or closed. */
  closedSha?: string;
  mergeCommitSha?: string;
  squashCommitSha?: string;
  squash: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  mergedAt?: string;
}

/** Whether GitLab would merge a merge request now, and if not, why not. */
export type Mergeability =
  | 'mergeable'
  | 'not_open'
  | 'draft_status'
  | 'conflict'
  | 'need_rebase';

/** GitLab takes a title that starts with `Draft:`, `[Draft]` or `(Draft)` for a draft. */
export function isDraft(title: string): boolean {
  return /^\s*(draft:|\[draft\]|\(draft\))/i.test(title);
}

/** Labels as GitLab takes them: a list, or names separated by commas. */
export function labelsOf(labels: unknown): string[] {
  const list = Array.isArray(labels) ? labels : String(labels ?? '').split(',');
  return [...new Set(list.map(l => String(l).trim()).filter(Boolean))];
}

/** How to merge, beside the merge request's own settings. */
export interface MergeOptions {
  squash?: boolean;
  mergeCommitMessage?: string;
  squashCommitMessage?: string;
}

/** The merge requests of the project, as GitLab and people change them. */
export class MergeRequests {
  readonly mergeRequests = new Map<number, FakeMergeRequest>();
  private nextIid = 1;

  constructor(private readonly project: FakeProject) {}

  /** Opens a merge request, as the API's create does once it is valid. */
  open(options: {
    title: string;
    description: string | null;
    sourceBranch: string;
    targetBranch: string;
    labels: string[];
    squash: boolean;
  }): FakeMergeRequest {
    const now = new Date().toISOString();
    const mr: FakeMergeRequest = {
      ...options,
      id: this.project.nextId(),
      iid: this.nextIid++,
      state: 'opened',
      notes: [],
      createdAt: now,
      updatedAt: now,
    };
    this.mergeRequests.set(mr.iid, mr);
    return mr;
  }

  async mergeability(mr: FakeMergeRequest): Promise<Mergeability> {
    if (mr.state !== 'opened') return 'not_open';
    if (isDraft(mr.title)) return 'draft_status';
    const { clone, mergeMethod } = this.project;
    return clone.serial(async git => {
      await clone.fetch();
      const target = `origin/${mr.targetBranch}`;
      const source = `origin/${mr.sourceBranch}`;
      try {
        await git.raw(['merge-tree', '--write-tree', target, source]);
      } catch {
        return 'conflict';
      }
      if (mergeMethod === 'ff') {
        try {
          await git.raw(['merge-base', '--is-ancestor', target, source]);
        } catch {
          return 'need_rebase';
        }
      }
      return 'mergeable';
    });
  }

  /**
   * Merges a merge request as GitLab does: with a merge commit, or by
   * fast-forward; squashing its commits first when asked.
   */
  merge(iid: number, options: MergeOptions = {}): Promise<string> {
    const mr = this.mergeRequests.get(iid);
    if (!mr || mr.state !== 'opened') {
      return Promise.reject(new Error(`!${iid} is not open`));
    }
    const { clone, mergeMethod, projectPath } = this.project;
    return clone.serial(async git => {
      await clone.sync(mr.targetBranch);
      const source = `origin/${mr.sourceBranch}`;
      const sourceHead = (await git.revparse([source])).trim();
      const squash = options.squash ?? mr.squash;
      let landing = sourceHead;
      let squashSha: string | undefined;
      if (squash) {
        // One commit with the source branch's tree, on the merge base.
        const base = (await git.raw(['merge-base', 'HEAD', source])).trim();
        squashSha = (
          await git.raw([
            'commit-tree',
            `${source}^{tree}`,
            '-p',
            base,
            '-m',
            options.squashCommitMessage ?? mr.title,
          ])
        ).trim();
        landing = squashSha;
      }
      let mergeSha: string | undefined;
      if (mergeMethod === 'ff') {
        await git.raw(['merge', '--quiet', '--ff-only', landing]);
      } else {
        await git.raw([
          'merge',
          '--quiet',
          '--no-ff',
          '-m',
          options.mergeCommitMessage ??
            `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${projectPath}!${mr.iid}`,
          landing,
        ]);
        mergeSha = (await git.revparse(['HEAD'])).trim();
      }
      const head = await clone.pushHead(mr.targetBranch);
      const now = new Date().toISOString();
      Object.assign(mr, {
        state: 'merged',
        closedSha: sourceHead,
        mergeCommitSha: mergeSha,
        squashCommitSha: squashSha,
        mergedAt: now,
        updatedAt: now,
      });
      return head;
    });
  }

  /** Closes a merge request without merging, as a person would. */
  async close(iid: number) {
    const mr = this.mergeRequests.get(iid)!;
    mr.closedSha = await this.project.clone.head(mr.sourceBranch);
    const now = new Date().toISOString();
    Object.assign(mr, { state: 'closed', closedAt: now, updatedAt: now });
  }

  /** The open merge requests, oldest first. */
  openMergeRequests(): FakeMergeRequest[] {
    return [...this.mergeRequests.values()].filter(m => m.state === 'opened');
  }
}
