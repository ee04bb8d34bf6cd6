import { Answer, jsonBody, send, WorkClone } from '@internal/glu-github-fake';
import { http, HttpResponse, RequestHandler } from 'msw';
import { checkQuery, checkRequest, checkResponse } from './openapi';

/** One operation of the fake's API, as GitLab's description names it. */
export interface Route {
  method: 'get' | 'post' | 'put';
  /** Its path in GitLab's description, e.g. `/projects/{id}/merge_requests`. */
  api: string;
  handle(request: {
    params: Record<string, string>;
    query: URLSearchParams;
    body: any;
    url: URL;
  }): Promise<Answer>;
}

/** The project that the fake hosts, as the API's areas share it. */
export interface FakeProject {
  /** The project's path, e.g. `acme/gitops` (or `group/sub/project`). */
  projectPath: string;
  projectId: number;
  /** The GitLab instance's web address. */
  baseUrl: string;
  /** The project's page. */
  webUrl: string;
  cloneUrl: string;
  mergeMethod: 'merge' | 'ff';
  clone: WorkClone;
  /** The next id of a merge request, note, pipeline or job. */
  nextId(): number;
}

export const notFound = (): Answer => ({
  status: 404,
  body: { message: '404 Not found' },
});

/** The user that everything in the fake is done as. */
export function user(project: FakeProject) {
  return {
    id: 1,
    username: 'dana',
    name: 'Dana Developer',
    state: 'active',
    locked: false,
    avatar_url: null,
    web_url: `${project.baseUrl}/dana`,
  };
}

/** GitLab's pagination: `page`, `per_page`, its headers and links. */
export function page<T>(items: T[], url: URL) {
  const perPage = Math.min(
    100,
    Math.max(1, Number(url.searchParams.get('per_page') ?? 20)),
  );
  const current = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number) => {
    const next = new URL(url);
    next.searchParams.set('page', String(p));
    next.searchParams.set('per_page', String(perPage));
    return next.toString();
  };
  const links = [
    ...(current < totalPages ? [`<${link(current + 1)}>; rel="next"`] : []),
    ...(current > 1 ? [`<${link(current - 1)}>; rel="prev"`] : []),
    `<${link(1)}>; rel="first"`,
    `<${link(totalPages)}>; rel="last"`,
  ];
  return {
    items: items.slice((current - 1) * perPage, current * perPage),
    headers: {
      link: links.join(', '),
      'x-page': String(current),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      'x-next-page': current < totalPages ? String(current + 1) : '',
      'x-prev-page': current > 1 ? String(current - 1) : '',
    },
  };
}

/**
 * The msw handler of an operation: it records the request, hangs while the
 * fake does, refuses one without the token (401), with a query or body that
 * GitLab's description does not allow (400), or for another project (404),
 * and checks the answer against the description.
 */
export function handler(
  fake: {
    apiBaseUrl: string;
    token: string;
    projectPath: string;
    projectId: number;
    requests: string[];
    violations: string[];
    hanging(): boolean;
  },
  { method, api, handle }: Route,
): RequestHandler {
  const mswPath = `${fake.apiBaseUrl}${api.replace(/\{(\w+)\}/g, ':$1')}`;
  return http[method](mswPath, async ({ request, params }) => {
    fake.requests.push(`${method.toUpperCase()} ${api}`);
    if (fake.hanging()) {
      // Accepted, never answered: the caller's deadline ends it.
      await new Promise(resolve =>
        request.signal.addEventListener('abort', resolve),
      );
      return new HttpResponse(null, { status: 499 });
    }
    if (request.headers.get('private-token') !== fake.token) {
      return HttpResponse.json(
        { message: '401 Unauthorized' },
        { status: 401 },
      );
    }
    const url = new URL(request.url);
    const badQuery = checkQuery(api, method, url.searchParams);
    if (badQuery) {
      fake.violations.push(badQuery);
      return HttpResponse.json({ error: badQuery }, { status: 400 });
    }
    const body = await jsonBody(request, method);
    const badRequest =
      body !== undefined ? checkRequest(api, method, body) : undefined;
    if (badRequest) {
      fake.violations.push(badRequest);
      return HttpResponse.json({ error: badRequest }, { status: 400 });
    }
    const decoded = Object.fromEntries(
      Object.entries(params as Record<string, string>).map(([k, v]) => [
        k,
        decodeURIComponent(v),
      ]),
    );
    if (
      decoded.id !== fake.projectPath &&
      decoded.id !== String(fake.projectId)
    ) {
      return HttpResponse.json(
        { message: '404 Project Not Found' },
        { status: 404 },
      );
    }
    const answer = await handle({
      params: decoded,
      query: url.searchParams,
      body: body ?? {},
      url,
    });
    const problem = checkResponse(api, method, answer.status, answer.body);
    return send(answer, problem, fake.violations);
  });
}
