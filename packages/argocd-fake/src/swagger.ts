import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { argocdSwagger } from './swagger.generated';

type Parameter = {
  name: string;
  in: 'path' | 'query' | 'body';
  type?: string;
  required?: boolean;
  schema?: unknown;
};
type Operation = {
  parameters?: Parameter[];
  responses: Record<string, { schema?: unknown }>;
};

const doc = argocdSwagger as unknown as {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, unknown>;
};

/**
 * Argo CD's API answers only the fields of its messages (grpc-gateway over
 * Go structs), and takes only those: a field that the description does not
 * name is a mistake, of the fake's answer or of Glu's request. The
 * description leaves `additionalProperties` out; the checks add `false` to
 * every object that lists its properties.
 */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node && typeof node === 'object') {
    const schema = Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, closeObjects(value)]),
    );
    if (
      schema.type === 'object' &&
      schema.properties &&
      !('additionalProperties' in schema)
    ) {
      schema.additionalProperties = false;
    }
    return schema;
  }
  return node;
}

let ajv: Ajv | undefined;

function compiler(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    ajv.addSchema(
      { definitions: closeObjects(doc.definitions) } as object,
      'argocd',
    );
  }
  return ajv;
}

const validators = new Map<unknown, ValidateFunction>();

function validatorOf(schema: unknown): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    // The description's schemas refer to `#/definitions/…` of the document.
    const ref = (schema as { $ref?: string }).$ref;
    validate = ref
      ? compiler().getSchema(`argocd${ref}`)!
      : compiler().compile(closeObjects(schema) as object);
    validators.set(schema, validate);
  }
  return validate;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 12)
    .map(e => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}

/** An operation of the description that a request's method and path name. */
export interface ArgoCdOperation {
  /** e.g. `GET /api/v1/applications/{name}` */
  name: string;
  /** The path's parameters by name, e.g. `{ name: 'checkout' }`. */
  params: Record<string, string>;
}

/** The operation of Argo CD's description for a method and an API path. */
export function findOperation(
  method: string,
  pathname: string,
): ArgoCdOperation | undefined {
  for (const [template, operations] of Object.entries(doc.paths)) {
    if (!operations[method.toLowerCase()]) continue;
    const names: string[] = [];
    const pattern = template.replace(/\{(\w+)\}/g, (_, name) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(pathname);
    if (match) {
      return {
        name: `${method.toUpperCase()} ${template}`,
        params: Object.fromEntries(
          names.map((name, i) => [name, decodeURIComponent(match[i + 1])]),
        ),
      };
    }
  }
  return undefined;
}

function operationOf(name: string): Operation {
  const [method, template] = name.split(' ');
  return doc.paths[template][method.toLowerCase()];
}

/**
 * Checks a request against the operation's parameters: its query (only
 * the parameters the operation has, one value for a string), and its body
 * (JSON, as the body parameter's schema says; none for operations without
 * one). Answers the problems found.
 */
export function checkRequest(
  operation: string,
  request: {
    query: URLSearchParams;
    contentType?: string | null;
    body?: string;
  },
): string | undefined {
  const parameters = operationOf(operation).parameters ?? [];
  const problems: string[] = [];
  for (const key of new Set(request.query.keys())) {
    const parameter = parameters.find(p => p.in === 'query' && p.name === key);
    if (!parameter) {
      problems.push(`no query parameter ${key}`);
    } else if (
      parameter.type !== 'array' &&
      request.query.getAll(key).length > 1
    ) {
      problems.push(`query parameter ${key} takes one value`);
    }
  }
  const bodyParameter = parameters.find(p => p.in === 'body');
  if (!bodyParameter) {
    if (request.body)
      problems.push('a body, which the operation does not take');
  } else if (!request.body) {
    if (bodyParameter.required) problems.push('no body');
  } else if (!request.contentType?.startsWith('application/json')) {
    problems.push(`a body of ${request.contentType ?? 'no type'}, not JSON`);
  } else {
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      problems.push('a body that is not JSON');
    }
    const validate = validatorOf(bodyParameter.schema);
    if (body !== undefined && !validate(body)) {
      problems.push(`body: ${describe(validate)}`);
    }
  }
  return problems.length > 0
    ? `request ${operation}: ${problems.join('; ')}`
    : undefined;
}

/**
 * Checks an answer against the schema the description gives for the
 * operation and status (`default`, an error, for any status it does not
 * list). Answers the problems found.
 */
export function checkResponse(
  operation: string,
  status: number,
  body: unknown,
): string | undefined {
  const { responses } = operationOf(operation);
  const response = responses[String(status)] ?? responses.default;
  if (!response?.schema) {
    return `${operation} ${status}: the description has no such answer`;
  }
  const validate = validatorOf(response.schema);
  return validate(body)
    ? undefined
    : `${operation} ${status}: ${describe(validate)}`;
}
