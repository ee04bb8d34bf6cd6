import { http, HttpResponse, RequestHandler } from 'msw';
import { Answer, jsonBody, send } from './mockApi';
import { checkRequest, checkResponse } from './openapi';
import { WorkClone } from './workClone';

/** One operation of the fake's API, as GitHub's description names it. */
export interface Route {
  method: 'get' | 'post' | 'patch' | 'put';
  /** Its path in GitHub's description, e.g. `/repos/{owner}/{repo}/pulls`. */
  api: string;
  /** Who may call it: a token of the repository, or the GitHub App itself. */
  auth?: 'token' | 'app';
  handle(request: {
    params: Record<string, string>;
    query: URLSearchParams;
    body: any;
  }): Promise<Answer>;
}

/** The repository that the fake hosts, as the API's areas share it. */
export interface FakeRepository {
  owner: string;
  repo: string;
  apiBaseUrl: string;
  clone: WorkClone;
  /** The next id of a comment, status or check run. */
  nextId(): number;
  /** The repository's page, or one below it. */
  htmlUrl(suffix?: string): string;
}

export const notFound = (): Answer => ({
  status: 404,
  body: {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
  },
});

/** Whether an operation's path names the fake's repository. */
export function ours(
  repository: FakeRepository,
  params: Record<string, string>,
) {
  return params.owner === repository.owner && params.repo === repository.repo;
}

/**
 * The msw handler of an operation: it records the request, refuses one
 * without the right credentials (401) or whose body GitHub's description
 * does not allow (422), and checks the answer against the description.
 */
export function handler(
  fake: {
    apiBaseUrl: string;
    token: string;
    requests: string[];
    violations: string[];
    signedByApp(authorization: string | null): boolean;
  },
  { method, api, auth = 'token', handle }: Route,
): RequestHandler {
  const mswPath = `${fake.apiBaseUrl}${api.replace(/\{(\w+)\}/g, ':$1')}`;
  return http[method](mswPath, async ({ request, params }) => {
    fake.requests.push(`${method.toUpperCase()} ${api}`);
    const authorization = request.headers.get('authorization');
    const authorized =
      auth === 'app'
        ? fake.signedByApp(authorization)
        : authorization === `token ${fake.token}`;
    if (!authorized) {
      const body = {
        message: 'Requires authentication',
        documentation_url: 'https://docs.github.com/rest',
      };
      return HttpResponse.json(body, { status: 401 });
    }
    const body = await jsonBody(request, method);
    const badRequest =
      body !== undefined ? checkRequest(api, method, body) : undefined;
    if (badRequest) {
      fake.violations.push(badRequest);
      return HttpResponse.json(
        {
          message: badRequest,
          documentation_url: 'https://docs.github.com/rest',
        },
        { status: 422 },
      );
    }
    const answer = await handle({
      params: params as Record<string, string>,
      query: new URL(request.url).searchParams,
      body,
    });
    const problem = checkResponse(api, method, answer.status, answer.body);
    return send(answer, problem, fake.violations);
  });
}
