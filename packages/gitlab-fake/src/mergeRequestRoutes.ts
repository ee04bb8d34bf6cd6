import { FakeProject, notFound, page, Route, user } from './api';
import {
  FakeMergeRequest,
  isDraft,
  labelsOf,
  MergeRequests,
} from './mergeRequests';

/** A merge request as GitLab's API answers it; `basic` as lists do. */
async function mergeRequestJson(
  project: FakeProject,
  mergeRequests: MergeRequests,
  mr: FakeMergeRequest,
  basic = false,
) {
  const { clone, projectId, projectPath, webUrl } = project;
  const head =
    mr.state === 'opened' || !mr.closedSha
      ? (await clone.head(mr.sourceBranch)) ?? mr.closedSha ?? ''
      : mr.closedSha;
  const mergeability = await mergeRequests.mergeability(mr);
  const reference = `!${mr.iid}`;
  const value: Record<string, unknown> = {
    id: mr.id,
    iid: mr.iid,
    project_id: projectId,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.createdAt,
    updated_at: mr.updatedAt,
    merged_by: mr.state === 'merged' ? user(project) : null,
    merge_user: mr.state === 'merged' ? user(project) : null,
    merged_at: mr.mergedAt ?? null,
    closed_by: mr.state === 'closed' ? user(project) : null,
    closed_at: mr.closedAt ?? null,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    user_notes_count: mr.notes.length,
    upvotes: 0,
    downvotes: 0,
    author: user(project),
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: projectId,
    target_project_id: projectId,
    labels: mr.labels,
    draft: isDraft(mr.title),
    imported: false,
    imported_from: 'none',
    work_in_progress: isDraft(mr.title),
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status:
      mergeability === 'conflict' ? 'cannot_be_merged' : 'can_be_merged',
    detailed_merge_status: mergeability,
    merge_after: null,
    sha: head,
    merge_commit_sha: mr.mergeCommitSha ?? null,
    squash_commit_sha: mr.squashCommitSha ?? null,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    prepared_at: mr.createdAt,
    allow_collaboration: false,
    allow_maintainer_to_push: false,
    reference,
    references: {
      short: reference,
      relative: reference,
      full: `${projectPath}${reference}`,
    },
    web_url: `${webUrl}/-/merge_requests/${mr.iid}`,
    time_stats: {
      time_estimate: 0,
      total_time_spent: 0,
      human_time_estimate: null,
      human_total_time_spent: null,
    },
    squash: mr.squash,
    squash_on_merge: mr.squash,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: mergeability === 'conflict',
    blocking_discussions_resolved: true,
    approvals_before_merge: null,
  };
  if (!basic) {
    const base = (await clone.head(mr.targetBranch)) ?? '';
    Object.assign(value, {
      subscribed: true,
      changes_count: '1',
      latest_build_started_at: null,
      latest_build_finished_at: null,
      first_deployed_to_production_at: null,
      pipeline: null,
      head_pipeline: null,
      diff_refs: { base_sha: base, head_sha: head, start_sha: base },
      merge_error: null,
      first_contribution: false,
      user: { can_merge: true },
    });
  }
  return value;
}

/** The operations on merge requests and their notes. */
export function mergeRequestRoutes(
  project: FakeProject,
  mergeRequests: MergeRequests,
): Route[] {
  const { clone } = project;
  const json = (mr: FakeMergeRequest, basic = false) =>
    mergeRequestJson(project, mergeRequests, mr, basic);
  const mergeRequestOf = (params: Record<string, string>) =>
    mergeRequests.mergeRequests.get(Number(params.merge_request_iid));
  return [
    {
      method: 'post',
      api: '/projects/{id}/merge_requests',
      handle: async ({ body }) => {
        const source = body.source_branch as string;
        const target = body.target_branch as string;
        if (!(await clone.head(source))) {
          return {
            status: 422,
            body: { message: [`Source branch "${source}" does not exist`] },
          };
        }
        if (!(await clone.head(target))) {
          return {
            status: 422,
            body: { message: [`Target branch "${target}" does not exist`] },
          };
        }
        const open = mergeRequests
          .openMergeRequests()
          .find(m => m.sourceBranch === source && m.targetBranch === target);
        if (open) {
          return {
            status: 409,
            body: {
              message: [
                `Another open merge request already exists for this source branch: !${open.iid}`,
              ],
            },
          };
        }
        const mr = mergeRequests.open({
          title: body.title,
          description: body.description ?? null,
          sourceBranch: source,
          targetBranch: target,
          labels: labelsOf(body.labels),
          squash: Boolean(body.squash),
        });
        return { status: 201, body: await json(mr) };
      },
    },
    {
      method: 'get',
      api: '/projects/{id}/merge_requests',
      handle: async ({ url }) => {
        const state = url.searchParams.get('state') ?? 'all';
        const source = url.searchParams.get('source_branch');
        const target = url.searchParams.get('target_branch');
        const found = [...mergeRequests.mergeRequests.values()]
          .filter(
            m =>
              (state === 'all' || m.state === state) &&
              (!source || m.sourceBranch === source) &&
              (!target || m.targetBranch === target),
          )
          // Newest first, as GitLab sorts by default.
          .reverse();
        const { items, headers } = page(found, url);
        return {
          status: 200,
          headers,
          body: await Promise.all(items.map(m => json(m, true))),
        };
      },
    },
    {
      method: 'get',
      api: '/projects/{id}/merge_requests/{merge_request_iid}',
      handle: async ({ params }) => {
        const mr = mergeRequestOf(params);
        if (!mr) return notFound();
        return { status: 200, body: await json(mr) };
      },
    },
    {
      method: 'put',
      api: '/projects/{id}/merge_requests/{merge_request_iid}',
      handle: async ({ params, body }) => {
        const mr = mergeRequestOf(params);
        if (!mr) return notFound();
        if (body.state_event === 'close' && mr.state === 'opened') {
          await mergeRequests.close(mr.iid);
        }
        if (body.state_event === 'reopen' && mr.state === 'closed') {
          Object.assign(mr, { state: 'opened', closedAt: undefined });
        }
        if (body.title) mr.title = body.title;
        if (body.description !== undefined) mr.description = body.description;
        if (body.labels !== undefined) mr.labels = labelsOf(body.labels);
        if (body.add_labels !== undefined) {
          for (const label of labelsOf(body.add_labels)) {
            if (!mr.labels.includes(label)) mr.labels.push(label);
          }
        }
        mr.updatedAt = new Date().toISOString();
        return { status: 200, body: await json(mr) };
      },
    },
    {
      method: 'put',
      api: '/projects/{id}/merge_requests/{merge_request_iid}/merge',
      handle: async ({ params, body }) => {
        const mr = mergeRequestOf(params);
        if (!mr) return notFound();
        // In GitLab's order: mergeable at all, then the head, then merge.
        if ((await mergeRequests.mergeability(mr)) !== 'mergeable') {
          return { status: 405, body: { message: '405 Method Not Allowed' } };
        }
        const head = await clone.head(mr.sourceBranch);
        if (body.sha && body.sha !== head) {
          return {
            status: 409,
            body: {
              message: `SHA does not match HEAD of source branch: ${head}`,
            },
          };
        }
        try {
          await mergeRequests.merge(mr.iid, {
            squash: body.squash,
            mergeCommitMessage: body.merge_commit_message,
            squashCommitMessage: body.squash_commit_message,
          });
        } catch {
          return { status: 422, body: { message: 'Branch cannot be merged' } };
        }
        return { status: 200, body: await json(mr) };
      },
    },
    {
      method: 'post',
      api: '/projects/{id}/merge_requests/{merge_request_iid}/notes',
      handle: async ({ params, body }) => {
        const mr = mergeRequestOf(params);
        if (!mr) return notFound();
        mr.notes.push(body.body);
        const now = new Date().toISOString();
        return {
          status: 201,
          body: {
            id: project.nextId(),
            type: null,
            body: body.body,
            attachment: null,
            author: user(project),
            created_at: now,
            updated_at: now,
            system: false,
            noteable_id: mr.id,
            noteable_type: 'MergeRequest',
            project_id: project.projectId,
            noteable_iid: mr.iid,
            resolvable: false,
            confidential: false,
            internal: false,
            imported: false,
            imported_from: 'none',
          },
        };
      },
    },
  ];
}
