import { FakeRepository, notFound, ours, Route } from './api';
import { example } from './openapi';

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha?: string;
  labels: string[];
  comments: string[];
  createdAt: string;
  closedAt?: string;
}

const CREATE_DOCS =
  'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';
const MERGE_DOCS =
  'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request';

/** The pull requests of the fake's repository, their comments and labels. */
export class PullRequests {
  readonly pulls = new Map<number, FakePull>();
  private nextNumber = 1;

  constructor(private readonly repository: FakeRepository) {}

  /** Merges a pull request, as its merge button does. */
  merge(
    number: number,
    method: 'merge' | 'squash' | 'rebase',
    title?: string,
  ): Promise<string> {
    return this.repository.clone.serial(async git => {
      const pull = this.pulls.get(number);
      if (!pull || pull.state !== 'open') {
        throw new Error(`#${number} is not open`);
      }
      await this.repository.clone.sync(pull.base);
      const subject =
        title ?? `Merge pull request #${number} from ${pull.head}`;
      if (method === 'squash') {
        await git.raw(['merge', '--squash', `origin/${pull.head}`]);
        await git.raw(['commit', '--quiet', '-m', subject]);
      } else if (method === 'rebase') {
        await git.raw([
          'cherry-pick',
          `origin/${pull.base}..origin/${pull.head}`,
        ]);
      } else {
        await git.raw([
          'merge',
          '--no-ff',
          '-m',
          subject,
          `origin/${pull.head}`,
        ]);
      }
      const sha = await this.repository.clone.pushHead(pull.base);
      pull.state = 'closed';
      pull.merged = true;
      pull.mergeCommitSha = sha;
      pull.closedAt = new Date().toISOString();
      return sha;
    });
  }

  /** Closes a pull request without merging, as a person would. */
  close(number: number) {
    const pull = this.pulls.get(number)!;
    pull.state = 'closed';
    pull.closedAt = new Date().toISOString();
  }

  /** The open pull requests, oldest first. */
  openPulls(): FakePull[] {
    return [...this.pulls.values()].filter(p => p.state === 'open');
  }

  private async pullJson(pull: FakePull, simple = false) {
    const { owner, repo, apiBaseUrl, clone } = this.repository;
    const value = example(simple ? 'pull-request-simple' : 'pull-request');
    const headSha = (await clone.head(pull.head)) ?? pull.mergeCommitSha ?? '';
    const baseSha = (await clone.head(pull.base)) ?? '';
    const url = `${apiBaseUrl}/repos/${owner}/${repo}/pulls/${pull.number}`;
    Object.assign(value, {
      url,
      id: 1000 + pull.number,
      html_url: this.repository.htmlUrl(`/pull/${pull.number}`),
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      draft: pull.draft,
      labels: labelsJson(pull.labels),
      requested_reviewers: [],
      requested_teams: [],
      created_at: pull.createdAt,
      updated_at: pull.closedAt ?? pull.createdAt,
      closed_at: pull.closedAt ?? null,
      merged_at: pull.merged ? pull.closedAt : null,
      merge_commit_sha: pull.mergeCommitSha ?? null,
      head: {
        ...value.head,
        ref: pull.head,
        sha: headSha,
        label: `${owner}:${pull.head}`,
      },
      base: {
        ...value.base,
        ref: pull.base,
        sha: baseSha,
        label: `${owner}:${pull.base}`,
      },
    });
    if (!simple) {
      Object.assign(value, {
        merged: pull.merged,
        mergeable: pull.state === 'open' ? true : null,
        merged_by: pull.merged ? value.merged_by : null,
      });
    }
    return value;
  }

  /** The pull request an operation names, if it is one of ours. */
  private pullOf(params: Record<string, string>, key: string) {
    const pull = this.pulls.get(Number(params[key]));
    return ours(this.repository, params) ? pull : undefined;
  }

  routes(): Route[] {
    const { owner, repo, apiBaseUrl, clone } = this.repository;
    return [
      {
        method: 'post',
        api: '/repos/{owner}/{repo}/pulls',
        handle: async ({ params, body }) => {
          if (!ours(this.repository, params)) return notFound();
          const head = String(body.head).replace(`${owner}:`, '');
          if (!(await clone.head(head))) {
            return {
              status: 422,
              body: {
                message: 'Validation Failed',
                errors: [
                  { resource: 'PullRequest', field: 'head', code: 'invalid' },
                ],
                documentation_url: CREATE_DOCS,
              },
            };
          }
          if (this.openPulls().some(p => p.head === head)) {
            return {
              status: 422,
              body: {
                message: 'Validation Failed',
                errors: [
                  {
                    resource: 'PullRequest',
                    code: 'custom',
                    message: `A pull request already exists for ${owner}:${head}.`,
                  },
                ],
                documentation_url: CREATE_DOCS,
              },
            };
          }
          const pull: FakePull = {
            number: this.nextNumber++,
            title: body.title,
            body: body.body ?? '',
            head,
            base: body.base,
            draft: Boolean(body.draft),
            state: 'open',
            merged: false,
            labels: [],
            comments: [],
            createdAt: new Date().toISOString(),
          };
          this.pulls.set(pull.number, pull);
          return { status: 201, body: await this.pullJson(pull) };
        },
      },
      {
        method: 'get',
        api: '/repos/{owner}/{repo}/pulls',
        handle: async ({ params, query }) => {
          if (!ours(this.repository, params)) return notFound();
          const state = query.get('state') ?? 'open';
          const head = query.get('head')?.replace(`${owner}:`, '');
          const base = query.get('base');
          const pulls = [...this.pulls.values()].filter(
            p =>
              (state === 'all' || p.state === state) &&
              (!head || p.head === head) &&
              (!base || p.base === base),
          );
          return {
            status: 200,
            body: await Promise.all(pulls.map(p => this.pullJson(p, true))),
          };
        },
      },
      {
        method: 'get',
        api: '/repos/{owner}/{repo}/pulls/{pull_number}',
        handle: async ({ params }) => {
          const pull = this.pullOf(params, 'pull_number');
          if (!pull) return notFound();
          return { status: 200, body: await this.pullJson(pull) };
        },
      },
      {
        method: 'patch',
        api: '/repos/{owner}/{repo}/pulls/{pull_number}',
        handle: async ({ params, body }) => {
          const pull = this.pullOf(params, 'pull_number');
          if (!pull) return notFound();
          if (body.state === 'closed' && pull.state === 'open') {
            this.close(pull.number);
          }
          if (body.title) pull.title = body.title;
          if (body.body) pull.body = body.body;
          return { status: 200, body: await this.pullJson(pull) };
        },
      },
      {
        method: 'put',
        api: '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
        handle: async ({ params, body }) => {
          const pull = this.pullOf(params, 'pull_number');
          if (!pull) return notFound();
          if (pull.state !== 'open') {
            return {
              status: 405,
              body: {
                message: 'Pull Request is not mergeable',
                documentation_url: MERGE_DOCS,
              },
            };
          }
          if (body?.sha && body.sha !== (await clone.head(pull.head))) {
            return {
              status: 409,
              body: {
                message:
                  'Head branch was modified. Review and try the merge again.',
                documentation_url: MERGE_DOCS,
              },
            };
          }
          const sha = await this.merge(
            pull.number,
            body?.merge_method ?? 'merge',
            body?.commit_title,
          );
          return {
            status: 200,
            body: {
              ...example<object>(
                'pull-request-merge-result-response-if-merge-was-successful',
              ),
              sha,
              merged: true,
              message: 'Pull Request successfully merged',
            },
          };
        },
      },
      {
        method: 'post',
        api: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
        handle: async ({ params, body }) => {
          const pull = this.pullOf(params, 'issue_number');
          if (!pull) return notFound();
          pull.comments.push(body.body);
          const id = this.repository.nextId();
          const issues = `${apiBaseUrl}/repos/${owner}/${repo}/issues`;
          return {
            status: 201,
            body: {
              ...example<object>('issue-comment'),
              id,
              body: body.body,
              html_url: this.repository.htmlUrl(
                `/pull/${pull.number}#issuecomment-${id}`,
              ),
              issue_url: `${issues}/${pull.number}`,
              url: `${issues}/comments/${id}`,
            },
          };
        },
      },
      {
        method: 'post',
        api: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        handle: async ({ params, body }) => {
          const pull = this.pullOf(params, 'issue_number');
          if (!pull) return notFound();
          const labels: string[] = Array.isArray(body) ? body : body.labels;
          for (const label of labels) {
            const name =
              typeof label === 'string' ? label : (label as any).name;
            if (!pull.labels.includes(name)) pull.labels.push(name);
          }
          return { status: 200, body: labelsJson(pull.labels) };
        },
      },
    ];
  }
}

function labelsJson(labels: string[]) {
  return labels.map((name, i) => ({ ...example('label'), id: 2000 + i, name }));
}
