import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Doc = {
  paths: Record<string, Record<string, any>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, any>;
    examples: Record<string, { value: unknown }>;
  };
};

let loaded: { doc: Doc; ajv: Ajv } | undefined;

/**
 * GitHub marks values such as a check run's `conclusion` as `nullable` with
 * an `enum` that leaves null out, and answers null: it means null is
 * allowed, which a validator only knows once null is in the enum. Likewise
 * `nullable` on a schema without a `type` (an `allOf`, a `$ref`).
 */
function allowNullInNullableEnums(node: unknown) {
  if (Array.isArray(node)) {
    node.forEach(allowNullInNullableEnums);
  } else if (node && typeof node === 'object') {
    const schema = node as Record<string, unknown>;
    if (
      schema.nullable === true &&
      Array.isArray(schema.enum) &&
      !schema.enum.includes(null)
    ) {
      schema.enum = [...schema.enum, null];
    }
    Object.values(schema).forEach(allowNullInNullableEnums);
    if (schema.nullable === true && !('type' in schema)) {
      // `nullable` beside `allOf`/`$ref` alone: null, or the schema.
      const { nullable: _nullable, ...rest } = schema;
      for (const key of Object.keys(schema)) delete schema[key];
      schema.anyOf = [rest, { type: 'null' }];
    }
  }
}

/** GitHub's published OpenAPI description of api.github.com. */
function load() {
  if (!loaded) {
    // eslint-disable-next-line @backstage/no-undeclared-imports
    const doc =
      require('@octokit/openapi/generated/api.github.com.json') as Doc;
    allowNullInNullableEnums(doc);
    // GitHub's own formats (e.g. repo.nwo) are not checked; logger: false
    // keeps that from being reported on every compile.
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    ajv.addSchema(doc as object, 'github');
    loaded = { doc, ajv };
  }
  return loaded;
}

function pointer(...segments: string[]): string {
  return segments
    .map(s => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1')))
    .join('/');
}

const validators = new Map<string, ValidateFunction | null>();

function validator(key: string, at: () => string | undefined) {
  if (!validators.has(key)) {
    const ref = at();
    validators.set(key, ref ? load().ajv.getSchema(`github#/${ref}`)! : null);
  }
  return validators.get(key)!;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 12)
    .map(e => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}

/**
 * Checks an answer of the fake against the schema that GitHub's description
 * gives for that operation and status. Answers the problems found.
 */
export function checkResponse(
  path: string,
  method: string,
  status: number,
  body: unknown,
): string | undefined {
  const validate = validator(`res ${method} ${path} ${status}`, () => {
    const { doc } = load();
    const operation = doc.paths[path]?.[method];
    if (!operation) {
      throw new Error(
        `GitHub has no operation ${method.toUpperCase()} ${path}`,
      );
    }
    let response = operation.responses[String(status)];
    if (!response) {
      throw new Error(
        `GitHub does not answer ${method.toUpperCase()} ${path} with ${status}`,
      );
    }
    let at = pointer('paths', path, method, 'responses', String(status));
    if (response.$ref) {
      const name = String(response.$ref).split('/').pop()!;
      response = doc.components.responses[name];
      at = pointer('components', 'responses', name);
    }
    if (!response.content?.['application/json']) return undefined;
    return `${at}/${pointer('content', 'application/json', 'schema')}`;
  });
  if (!validate) return undefined;
  return validate(body)
    ? undefined
    : `${method.toUpperCase()} ${path} ${status}: ${describe(validate)}`;
}

/** Checks a request body against the operation's request schema. */
export function checkRequest(
  path: string,
  method: string,
  body: unknown,
): string | undefined {
  const validate = validator(`req ${method} ${path}`, () => {
    const operation = load().doc.paths[path]?.[method];
    if (!operation?.requestBody?.content?.['application/json']) {
      return undefined;
    }
    return pointer(
      'paths',
      path,
      method,
      'requestBody',
      'content',
      'application/json',
      'schema',
    );
  });
  if (!validate) return undefined;
  return validate(body)
    ? undefined
    : `request ${method.toUpperCase()} ${path}: ${describe(validate)}`;
}

/** A copy of one of the examples that GitHub's description publishes. */
export function example<T = any>(name: string): T {
  const found = load().doc.components.examples[name];
  if (!found) throw new Error(`GitHub's description has no example ${name}`);
  return structuredClone(found.value) as T;
}
