import { FakeProject } from './api';
import { Ci, pipelineStatus } from './ci';
import { MergeRequests } from './mergeRequests';

/**
 * Webhook payloads, as GitLab's webhook events documentation shows them,
 * for the state of the fake.
 */
export class Webhooks {
  constructor(
    private readonly project: FakeProject,
    private readonly mergeRequests: MergeRequests,
    private readonly ci: Ci,
  ) {}

  /** The `project` object of a webhook payload. */
  private hookProject() {
    const { projectPath, projectId, webUrl, cloneUrl } = this.project;
    const ssh = `git@127.0.0.1:${projectPath}.git`;
    return {
      id: projectId,
      name: projectPath.split('/').pop()!,
      description: null,
      web_url: webUrl,
      avatar_url: null,
      git_ssh_url: ssh,
      git_http_url: cloneUrl,
      namespace: projectPath.split('/')[0],
      visibility_level: 0,
      path_with_namespace: projectPath,
      default_branch: 'main',
      ci_config_path: '',
      homepage: webUrl,
      url: ssh,
      ssh_url: ssh,
      http_url: cloneUrl,
    };
  }

  /** The `repository` object of push and job payloads. */
  private hookRepository() {
    const project = this.hookProject();
    return {
      name: project.name,
      url: project.url,
      description: null,
      homepage: this.project.webUrl,
      git_http_url: this.project.cloneUrl,
      git_ssh_url: project.git_ssh_url,
      visibility_level: 0,
    };
  }

  private hookUser() {
    return {
      id: 1,
      name: 'Dana Developer',
      username: 'dana',
      avatar_url: null,
      email: '[REDACTED]',
    };
  }

  /** A push hook's payload (`X-Gitlab-Event: Push Hook`). */
  pushEvent(branch: string, before: string, after: string) {
    return {
      object_kind: 'push',
      event_name: 'push',
      before,
      after,
      ref: `refs/heads/${branch}`,
      ref_protected: branch === 'main',
      checkout_sha: after,
      user_id: 1,
      user_name: 'Dana Developer',
      user_username: 'dana',
      user_email: '',
      user_avatar: null,
      project_id: this.project.projectId,
      project: this.hookProject(),
      commits: [],
      total_commits_count: 1,
      repository: this.hookRepository(),
    };
  }

  /** A merge request hook's payload (`X-Gitlab-Event: Merge Request Hook`). */
  async mergeRequestEvent(
    iid: number,
    action: 'open' | 'close' | 'reopen' | 'update' | 'merge',
  ) {
    const mr = this.mergeRequests.mergeRequests.get(iid)!;
    const { projectId, webUrl, clone } = this.project;
    return {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: this.hookUser(),
      project: this.hookProject(),
      repository: {
        name: this.hookProject().name,
        url: this.hookProject().url,
        description: null,
        homepage: webUrl,
      },
      object_attributes: {
        id: mr.id,
        iid: mr.iid,
        title: mr.title,
        description: mr.description,
        state: mr.state,
        action,
        source_branch: mr.sourceBranch,
        target_branch: mr.targetBranch,
        source_project_id: projectId,
        target_project_id: projectId,
        merge_commit_sha: mr.mergeCommitSha ?? null,
        url: `${webUrl}/-/merge_requests/${mr.iid}`,
        last_commit: {
          id: mr.closedSha ?? (await clone.head(mr.sourceBranch)) ?? '',
        },
        source: this.hookProject(),
        target: this.hookProject(),
      },
      labels: mr.labels.map((title, i) => ({ id: 200 + i, title })),
    };
  }

  /** A pipeline hook's payload (`X-Gitlab-Event: Pipeline Hook`). */
  pipelineEvent(pipelineId: number) {
    const pipeline = this.ci.pipelines.find(p => p.id === pipelineId)!;
    const jobs = this.ci.statuses.filter(
      s => s.pipelineId === pipelineId && !s.retried,
    );
    return {
      object_kind: 'pipeline',
      object_attributes: {
        id: pipeline.id,
        iid: pipeline.iid,
        ref: pipeline.ref,
        tag: false,
        sha: pipeline.sha,
        source: pipeline.source,
        status: pipelineStatus(jobs),
        url: `${this.project.webUrl}/-/pipelines/${pipeline.id}`,
      },
      user: this.hookUser(),
      project: this.hookProject(),
      builds: jobs.map(j => ({
        id: j.id,
        stage: j.stage,
        name: j.name,
        status: j.status,
        allow_failure: j.allowFailure,
      })),
    };
  }
}
