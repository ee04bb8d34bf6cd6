import { FakeProject, page, Route, user } from './api';

/** The state of a CI job or a commit status, in GitLab's words. */
export type FakeJobStatus =
  | 'created'
  | 'waiting_for_resource'
  | 'preparing'
  | 'pending'
  | 'running'
  | 'success'
  | 'failed'
  | 'canceling'
  | 'canceled'
  | 'skipped'
  | 'manual'
  | 'scheduled';

/** A job of a pipeline, or a status that an external system posted. */
export interface FakeStatus {
  id: number;
  sha: string;
  ref: string;
  name: string;
  stage: string;
  status: FakeJobStatus;
  description: string | null;
  targetUrl: string | null;
  allowFailure: boolean;
  pipelineId: number;
  /** A job that was run again: only the newest run is the latest. */
  retried: boolean;
  external: boolean;
  createdAt: string;
}

export interface FakePipeline {
  id: number;
  iid: number;
  sha: string;
  ref: string;
  source: string;
}

const UNFINISHED = ['pending', 'running'];
/** Each state a status is posted in, and the transition GitLab names it by. */
const EVENTS: Record<string, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
  skipped: 'skip',
};
/** The transitions of an unfinished status (GitLab's commit status states). */
const TRANSITIONS: Record<string, string[]> = {
  pending: ['running', 'success', 'failed', 'canceled', 'skipped'],
  running: ['success', 'failed', 'canceled'],
};
/** GitLab keeps this many characters of a commit status's description. */
const DESCRIPTION_LIMIT = 255;

/** A pipeline's status from its jobs, as GitLab composes it. */
export function pipelineStatus(jobs: FakeStatus[]): string {
  const counted = jobs.filter(
    j => !(j.allowFailure && ['failed', 'canceled'].includes(j.status)),
  );
  if (
    counted.some(j => UNFINISHED.includes(j.status) || j.status === 'created')
  ) {
    return 'running';
  }
  if (counted.some(j => j.status === 'failed')) return 'failed';
  if (counted.some(j => j.status === 'canceled')) return 'canceled';
  return 'success';
}

/** The project's CI: its pipelines, their jobs, and posted commit statuses. */
export class Ci {
  readonly statuses: FakeStatus[] = [];
  readonly pipelines: FakePipeline[] = [];

  constructor(private readonly project: FakeProject) {}

  /** Starts a pipeline on a commit, as a push or a merge request does. */
  startPipeline(
    sha: string,
    ref: string,
    source: 'push' | 'merge_request_event' | 'external',
  ): number {
    const pipeline = {
      id: this.project.nextId(),
      iid: this.pipelines.length + 1,
      sha,
      ref,
      source,
    };
    this.pipelines.push(pipeline);
    return pipeline.id;
  }

  /** Sets the state of a job, as `FakeGitLab.setJob` describes. */
  setJob(
    sha: string,
    name: string,
    status: FakeJobStatus,
    options: { pipeline?: number; allowFailure?: boolean; retry?: boolean },
  ) {
    const pipelineId =
      options.pipeline ??
      [...this.pipelines].reverse().find(p => p.sha === sha)?.id ??
      this.startPipeline(sha, 'main', 'push');
    const pipeline = this.pipelines.find(p => p.id === pipelineId)!;
    const current = this.statuses.find(
      s =>
        s.pipelineId === pipelineId &&
        s.name === name &&
        !s.retried &&
        !s.external,
    );
    if (current && !options.retry) {
      current.status = status;
      if (options.allowFailure !== undefined) {
        current.allowFailure = options.allowFailure;
      }
      return;
    }
    if (current) current.retried = true;
    const id = this.project.nextId();
    this.statuses.push({
      id,
      sha,
      ref: pipeline.ref,
      name,
      stage: 'test',
      status,
      description: null,
      targetUrl: `${this.project.webUrl}/-/jobs/${id}`,
      allowFailure: options.allowFailure ?? false,
      pipelineId,
      retried: false,
      external: false,
      createdAt: new Date().toISOString(),
    });
  }

  /** A commit status that an external system (Glu) posted, as it stands. */
  status(
    sha: string,
    name: string,
  ): { status: string; description: string | null } | undefined {
    const found = [...this.statuses]
      .reverse()
      .find(s => s.sha === sha && s.name === name && s.external);
    return found && { status: found.status, description: found.description };
  }

  private statusJson(status: FakeStatus) {
    return {
      id: status.id,
      sha: status.sha,
      ref: status.ref,
      status: status.status,
      name: status.name,
      target_url: status.targetUrl,
      description: status.description,
      created_at: status.createdAt,
      started_at: status.status === 'pending' ? null : status.createdAt,
      finished_at: UNFINISHED.includes(status.status)
        ? null
        : new Date().toISOString(),
      allow_failure: status.allowFailure,
      coverage: null,
      pipeline_id: status.pipelineId,
      author: user(this.project),
    };
  }

  routes(): Route[] {
    const { clone } = this.project;
    return [
      {
        method: 'get',
        api: '/projects/{id}/repository/commits/{sha}/statuses',
        handle: async ({ params, url }) => {
          if (!(await clone.commitExists(params.sha))) {
            return { status: 404, body: { message: '404 Commit Not Found' } };
          }
          const query = url.searchParams;
          const all = query.get('all') === 'true';
          let found = this.statuses.filter(
            s =>
              s.sha === params.sha &&
              (all || !s.retried) &&
              (!query.get('ref') || s.ref === query.get('ref')) &&
              (!query.get('name') || s.name === query.get('name')) &&
              (!query.get('stage') || s.stage === query.get('stage')) &&
              (!query.get('pipeline_id') ||
                String(s.pipelineId) === query.get('pipeline_id')),
          );
          const key =
            query.get('order_by') === 'pipeline_id' ? 'pipelineId' : 'id';
          found = found.sort((a, b) => a[key] - b[key] || a.id - b.id);
          if (query.get('sort') === 'desc') found.reverse();
          const { items, headers } = page(found, url);
          return {
            status: 200,
            headers,
            body: items.map(s => this.statusJson(s)),
          };
        },
      },
      {
        method: 'post',
        api: '/projects/{id}/statuses/{sha}',
        handle: async ({ params, body }) => {
          if (!(await clone.commitExists(params.sha))) {
            return { status: 404, body: { message: '404 Commit Not Found' } };
          }
          if ((body.description ?? '').length > DESCRIPTION_LIMIT) {
            return {
              status: 400,
              body: {
                message: {
                  description: [
                    `is too long (maximum is ${DESCRIPTION_LIMIT} characters)`,
                  ],
                },
              },
            };
          }
          return this.post(params.sha, body);
        },
      },
    ];
  }

  /** Posts a commit status, as GitLab takes one that is valid. */
  private post(sha: string, body: any) {
    const name = body.name ?? body.context ?? 'default';
    const existing =
      this.pipelines.find(p => p.id === body.pipeline_id) ??
      [...this.pipelines].reverse().find(p => p.sha === sha);
    // GitLab puts a status on a commit without a pipeline in an external
    // pipeline of its own.
    const pipelineId =
      existing?.id ?? this.startPipeline(sha, body.ref ?? 'main', 'external');
    const pipeline = this.pipelines.find(p => p.id === pipelineId)!;
    const unfinished = this.statuses.find(
      s =>
        s.sha === sha &&
        s.name === name &&
        s.external &&
        s.pipelineId === pipeline.id &&
        UNFINISHED.includes(s.status),
    );
    if (unfinished && !TRANSITIONS[unfinished.status].includes(body.state)) {
      const event = EVENTS[body.state];
      return {
        status: 400,
        body: {
          message: `Cannot transition status via :${event} from :${unfinished.status} (Reason(s): Status cannot transition via "${event}")`,
        },
      };
    }
    const status: FakeStatus = unfinished ?? {
      id: this.project.nextId(),
      sha,
      ref: body.ref ?? pipeline.ref,
      name,
      stage: 'external',
      status: body.state,
      description: null,
      targetUrl: null,
      allowFailure: false,
      pipelineId: pipeline.id,
      retried: false,
      external: true,
      createdAt: new Date().toISOString(),
    };
    if (!unfinished) {
      // A finished status of that name is superseded by the new one.
      for (const s of this.statuses) {
        if (s.sha === sha && s.name === name && s.external) {
          s.retried = true;
        }
      }
      this.statuses.push(status);
    }
    status.status = body.state;
    if (body.description !== undefined) {
      status.description = body.description;
    }
    if (body.target_url !== undefined) status.targetUrl = body.target_url;
    return { status: 200, body: this.statusJson(status) };
  }
}
