import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

type Schema = Record<string, any>;
type Parameter = {
  in: 'path' | 'query' | 'body';
  name: string;
  type?: string;
  enum?: unknown[];
  schema?: Schema;
};
type Operation = {
  parameters?: Parameter[];
  responses: Record<string, { schema?: Schema }>;
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, Schema>;
};

const boolean = { type: 'boolean' };
const integer = { type: 'integer' };
const strings = { type: 'array', items: { type: 'string' } };
const users = {
  type: 'array',
  items: { $ref: '#/definitions/API_Entities_UserBasic' },
};

/**
 * Where GitLab's description and GitLab's answers differ, in one place.
 * The description is generated from GitLab's Grape entities: an exposure
 * whose type is not documented comes out as `type: string`, and no property
 * is ever said to be possibly null. GitLab's REST documentation
 * (doc/api/merge_requests.md, doc/api/commits.md) shows what GitLab answers;
 * these are its types for the properties the fake answers.
 */
const MERGE_REQUEST_BASIC_TYPES: Record<string, Schema> = {
  user_notes_count: integer,
  upvotes: integer,
  downvotes: integer,
  assignees: users,
  reviewers: users,
  source_project_id: integer,
  target_project_id: integer,
  labels: strings,
  draft: boolean,
  imported: boolean,
  work_in_progress: boolean,
  merge_when_pipeline_succeeds: boolean,
  discussion_locked: boolean,
  should_remove_source_branch: boolean,
  force_remove_source_branch: boolean,
  allow_collaboration: boolean,
  allow_maintainer_to_push: boolean,
  squash: boolean,
  squash_on_merge: boolean,
  task_completion_status: {
    type: 'object',
    properties: { count: integer, completed_count: integer },
    required: ['count', 'completed_count'],
    additionalProperties: false,
  },
  has_conflicts: boolean,
  blocking_discussions_resolved: boolean,
  approvals_before_merge: integer,
  // The states, as the REST documentation lists them.
  state: { type: 'string', enum: ['opened', 'closed', 'locked', 'merged'] },
  merge_status: {
    type: 'string',
    enum: [
      'unchecked',
      'checking',
      'can_be_merged',
      'cannot_be_merged',
      'cannot_be_merged_recheck',
    ],
  },
  detailed_merge_status: {
    type: 'string',
    enum: [
      'approvals_syncing',
      'checking',
      'ci_must_pass',
      'ci_still_running',
      'commits_status',
      'conflict',
      'discussions_not_resolved',
      'draft_status',
      'jira_association_missing',
      'mergeable',
      'merge_request_blocked',
      'merge_time',
      'need_rebase',
      'not_approved',
      'not_open',
      'preparing',
      'requested_changes',
      'security_policy_violations',
      'status_checks_must_pass',
      'unchecked',
      'locked_paths',
      'locked_lfs_files',
      'title_regex',
    ],
  },
};
const CORRECTIONS: Record<string, Record<string, Schema>> = {
  API_Entities_MergeRequestBasic: MERGE_REQUEST_BASIC_TYPES,
  API_Entities_MergeRequest: {
    ...MERGE_REQUEST_BASIC_TYPES,
    subscribed: boolean,
    rebase_in_progress: boolean,
    diverged_commits_count: integer,
    first_contribution: boolean,
    user: {
      type: 'object',
      properties: { can_merge: boolean },
      additionalProperties: false,
    },
  },
  API_Entities_Milestone: {
    id: integer,
    iid: integer,
    project_id: integer,
    group_id: integer,
    expired: boolean,
  },
  API_Entities_CommitStatus: {
    status: {
      type: 'string',
      enum: [
        'created',
        'waiting_for_resource',
        'preparing',
        'waiting_for_callback',
        'pending',
        'running',
        'success',
        'failed',
        'canceling',
        'canceled',
        'skipped',
        'manual',
        'scheduled',
      ],
    },
  },
};

/**
 * The properties that every answer of an entity holds (null or not), as the
 * REST documentation's examples show them: those that Glu reads.
 */
const ALWAYS_PRESENT: Record<string, string[]> = {
  API_Entities_MergeRequestBasic: [
    'id',
    'iid',
    'project_id',
    'title',
    'state',
    'source_branch',
    'target_branch',
    'labels',
    'draft',
    'sha',
    'merge_commit_sha',
    'squash_commit_sha',
    'web_url',
  ],
  API_Entities_CommitStatus: [
    'id',
    'sha',
    'ref',
    'status',
    'name',
    'target_url',
    'allow_failure',
    'created_at',
  ],
};
ALWAYS_PRESENT.API_Entities_MergeRequest =
  ALWAYS_PRESENT.API_Entities_MergeRequestBasic;

/**
 * Operations that GitLab's description does not cover (it names no notes
 * API), described here from GitLab's REST documentation (doc/api/notes.md,
 * "Create new merge request note") in the description's own terms.
 */
const FROM_REST_DOCUMENTATION: Doc = {
  paths: {
    '/api/v4/projects/{id}/merge_requests/{merge_request_iid}/notes': {
      post: {
        parameters: [
          { in: 'path', name: 'id', type: 'string' },
          { in: 'path', name: 'merge_request_iid', type: 'integer' },
          {
            in: 'body',
            name: 'postApiV4ProjectsIdMergeRequestsMergeRequestIidNotes',
            schema: {
              $ref: '#/definitions/postApiV4ProjectsIdMergeRequestsMergeRequestIidNotes',
            },
          },
        ],
        responses: {
          '201': { schema: { $ref: '#/definitions/API_Entities_Note' } },
          '400': {},
          '401': {},
          '404': {},
        },
      },
    },
  },
  definitions: {
    postApiV4ProjectsIdMergeRequestsMergeRequestIidNotes: {
      type: 'object',
      properties: {
        body: { type: 'string' },
        created_at: { type: 'string' },
        internal: { type: 'boolean' },
        merge_request_diff_head_sha: { type: 'string' },
      },
      required: ['body'],
    },
    API_Entities_Note: {
      type: 'object',
      properties: {
        id: integer,
        type: { type: 'string' },
        body: { type: 'string' },
        attachment: { type: 'string' },
        author: { $ref: '#/definitions/API_Entities_UserBasic' },
        created_at: { type: 'string', format: 'date-time' },
        updated_at: { type: 'string', format: 'date-time' },
        system: boolean,
        noteable_id: integer,
        noteable_type: { type: 'string' },
        project_id: integer,
        noteable_iid: integer,
        resolvable: boolean,
        confidential: boolean,
        internal: boolean,
        imported: boolean,
        imported_from: { type: 'string' },
      },
    },
  },
};
ALWAYS_PRESENT.API_Entities_Note = ['id', 'body', 'noteable_iid', 'system'];

/** An answer's property may be null, whatever the description says. */
function orNull(schema: Schema): Schema {
  return { anyOf: [schema, { type: 'null' }] };
}

/** The entity as GitLab answers it: corrected, closed, nullable. */
function answered(name: string, definition: Schema): Schema {
  const properties: Record<string, Schema> = {};
  for (const [key, value] of Object.entries(definition.properties ?? {})) {
    properties[key] = orNull(CORRECTIONS[name]?.[key] ?? value);
  }
  return {
    ...definition,
    properties,
    required: ALWAYS_PRESENT[name] ?? [],
    // Nothing that GitLab does not answer.
    additionalProperties: false,
  };
}

let loaded: { doc: Doc; ajv: Ajv } | undefined;

function load() {
  if (!loaded) {
    const vendored = YAML.parse(
      fs.readFileSync(
        // A private package for tests, run from its sources, never built.
        // eslint-disable-next-line no-restricted-syntax
        path.join(__dirname, 'openapi', 'openapi_v2.excerpt.yaml'),
        'utf8',
      ),
    ) as Doc;
    const doc: Doc = {
      paths: { ...vendored.paths, ...FROM_REST_DOCUMENTATION.paths },
      definitions: {
        ...vendored.definitions,
        ...FROM_REST_DOCUMENTATION.definitions,
      },
    };
    const definitions: Record<string, Schema> = {};
    for (const [name, definition] of Object.entries(doc.definitions)) {
      // Request bodies (post…/put…) stay as GitLab describes them, closed:
      // a parameter GitLab does not take is a mistake of Glu's.
      definitions[name] = /^(post|put)ApiV4/.test(name)
        ? { ...definition, additionalProperties: false }
        : answered(name, definition);
    }
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    ajv.addFormat('int32', { type: 'number', validate: Number.isInteger });
    ajv.addFormat('float', { type: 'number', validate: () => true });
    ajv.addSchema({ definitions }, 'gitlab');
    loaded = { doc, ajv };
  }
  return loaded;
}

const validators = new Map<string, ValidateFunction | null>();

/** A schema of the description, its references into the loaded definitions. */
function compiled(schema: Schema): ValidateFunction {
  const { ajv } = load();
  return ajv.compile(
    JSON.parse(
      JSON.stringify(schema).replace(
        /"#\/definitions\//g,
        '"gitlab#/definitions/',
      ),
    ),
  );
}

function validator(key: string, schema: () => Schema | undefined) {
  if (!validators.has(key)) {
    const found = schema();
    validators.set(key, found ? compiled(found) : null);
  }
  return validators.get(key)!;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 12)
    .map(
      e =>
        `${e.instancePath || '/'} ${e.message}${
          e.params && 'additionalProperty' in e.params
            ? ` (${e.params.additionalProperty})`
            : ''
        }`,
    )
    .join('; ');
}

function operation(api: string, method: string): Operation {
  const found = load().doc.paths[`/api/v4${api}`]?.[method];
  if (!found) {
    throw new Error(`GitLab has no operation ${method.toUpperCase()} ${api}`);
  }
  return found;
}

/** Checks an answer against the schema GitLab gives for it. */
export function checkResponse(
  api: string,
  method: string,
  status: number,
  body: unknown,
): string | undefined {
  const validate = validator(`res ${method} ${api} ${status}`, () => {
    const response = operation(api, method).responses[String(status)];
    if (!response) {
      throw new Error(
        `GitLab does not answer ${method.toUpperCase()} ${api} with ${status}`,
      );
    }
    return response.schema;
  });
  if (!validate) return undefined;
  return validate(body)
    ? undefined
    : `${method.toUpperCase()} ${api} ${status}: ${describe(validate)}`;
}

/** Checks a request's JSON body against the operation's body parameter. */
export function checkRequest(
  api: string,
  method: string,
  body: unknown,
): string | undefined {
  const validate = validator(
    `req ${method} ${api}`,
    () => operation(api, method).parameters?.find(p => p.in === 'body')?.schema,
  );
  if (!validate) return undefined;
  return validate(body)
    ? undefined
    : `request ${method.toUpperCase()} ${api}: ${describe(validate)}`;
}

/** Checks a request's query parameters against those of the operation. */
export function checkQuery(
  api: string,
  method: string,
  query: URLSearchParams,
): string | undefined {
  const declared = (operation(api, method).parameters ?? []).filter(
    p => p.in === 'query',
  );
  const problems: string[] = [];
  for (const [name, value] of query.entries()) {
    const parameter = declared.find(p => p.name === name);
    if (!parameter) {
      problems.push(`${name} is not a parameter of this operation`);
    } else if (parameter.type === 'integer' && !/^\d+$/.test(value)) {
      problems.push(`${name}=${value} is not an integer`);
    } else if (parameter.type === 'boolean' && !/^(true|false)$/.test(value)) {
      problems.push(`${name}=${value} is not a boolean`);
    } else if (parameter.enum && !parameter.enum.includes(value)) {
      problems.push(`${name}=${value} is none of ${parameter.enum.join(', ')}`);
    }
  }
  return problems.length > 0
    ? `query of ${method.toUpperCase()} ${api}: ${problems.join('; ')}`
    : undefined;
}
