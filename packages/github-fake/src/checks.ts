import { FakeRepository, notFound, ours, Route } from './api';
import { example } from './openapi';

export type CheckState =
  | { status: 'queued' | 'in_progress' }
  | {
      status: 'completed';
      conclusion: 'success' | 'failure' | 'neutral' | 'skipped' | 'cancelled';
    };

type StatusState = 'pending' | 'success' | 'failure' | 'error';

/** The check runs and commit statuses on the commits of the repository. */
export class Checks {
  private readonly checkRuns = new Map<
    string,
    Map<string, CheckState & { id: number }>
  >();
  private readonly statuses = new Map<string, Map<string, StatusState>>();
  private readonly descriptions = new Map<string, Map<string, string>>();

  constructor(private readonly repository: FakeRepository) {}

  /** Reports a check run on a commit, as a CI app does. */
  setCheckRun(sha: string, name: string, state: CheckState) {
    const runs = this.checkRuns.get(sha) ?? new Map();
    runs.set(name, {
      ...state,
      id: runs.get(name)?.id ?? this.repository.nextId(),
    });
    this.checkRuns.set(sha, runs);
  }

  /** Reports a commit status, as older CI does. */
  setStatus(sha: string, context: string, state: StatusState) {
    const statuses = this.statuses.get(sha) ?? new Map();
    statuses.set(context, state);
    this.statuses.set(sha, statuses);
  }

  /** A commit status on a commit, as the API set it. */
  status(
    sha: string,
    context: string,
  ): { state: string; description: string } | undefined {
    const state = this.statuses.get(sha)?.get(context);
    if (!state) return undefined;
    return {
      state,
      description: this.descriptions.get(sha)?.get(context) ?? '',
    };
  }

  routes(): Route[] {
    return [
      {
        method: 'post',
        api: '/repos/{owner}/{repo}/statuses/{sha}',
        handle: async ({ params, body }) => {
          if (!ours(this.repository, params)) return notFound();
          const context = body.context ?? 'default';
          this.setStatus(params.sha, context, body.state);
          const descriptions =
            this.descriptions.get(params.sha) ?? new Map<string, string>();
          descriptions.set(context, body.description ?? '');
          this.descriptions.set(params.sha, descriptions);
          return {
            status: 201,
            body: {
              ...example<object>('status'),
              id: this.repository.nextId(),
              state: body.state,
              context,
              description: body.description ?? null,
              target_url: body.target_url ?? null,
            },
          };
        },
      },
      {
        method: 'get',
        api: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
        handle: async ({ params }) => {
          if (!ours(this.repository, params)) return notFound();
          const runs = [
            ...(this.checkRuns.get(params.ref) ?? new Map()).entries(),
          ];
          return {
            status: 200,
            body: {
              total_count: runs.length,
              check_runs: runs.map(([name, run]) => ({
                ...example('check-run'),
                id: run.id,
                name,
                head_sha: params.ref,
                status: run.status,
                conclusion: run.status === 'completed' ? run.conclusion : null,
                completed_at:
                  run.status === 'completed' ? new Date().toISOString() : null,
                html_url: this.repository.htmlUrl(`/runs/${run.id}`),
                pull_requests: [],
              })),
            },
          };
        },
      },
      {
        method: 'get',
        api: '/repos/{owner}/{repo}/commits/{ref}/status',
        handle: async ({ params }) => {
          if (!ours(this.repository, params)) return notFound();
          const statuses = [
            ...(this.statuses.get(params.ref) ?? new Map()).entries(),
          ];
          const template = example('combined-commit-status');
          const states = statuses.map(([, state]) => state);
          let combined: 'failure' | 'success' | 'pending' = 'pending';
          if (states.every(s => s === 'success')) combined = 'success';
          if (states.some(s => s === 'failure' || s === 'error')) {
            combined = 'failure';
          }
          return {
            status: 200,
            body: {
              ...template,
              sha: params.ref,
              state: combined,
              total_count: statuses.length,
              statuses: statuses.map(([context, state], i) => ({
                ...template.statuses[0],
                id: 3000 + i,
                context,
                state,
                target_url: this.repository.htmlUrl(`/status/${context}`),
              })),
            },
          };
        },
      },
    ];
  }
}
