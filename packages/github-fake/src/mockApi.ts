import { HttpResponse, RequestHandler } from 'msw';
import { setupServer, SetupServer } from 'msw/node';

/** What an operation of a fake host's API answers. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Serves a fake host's API through msw. Git over HTTP and the backend under
 * test pass; a call to the API that no handler takes is a mistake of the
 * fake or of Glu, and is recorded in `violations`.
 */
export function startMockApi(options: {
  apiBaseUrl: string;
  handlers: RequestHandler[];
  violations: string[];
}): SetupServer {
  const server = setupServer(...options.handlers);
  server.listen({
    onUnhandledRequest: request => {
      if (request.url.startsWith(options.apiBaseUrl)) {
        options.violations.push(
          `no such operation in the fake: ${request.method} ${request.url}`,
        );
      }
    },
  });
  return server;
}

/** A request's JSON body; none for a GET or an empty body. */
export async function jsonBody(request: Request, method: string): Promise<any> {
  const text = method === 'get' ? '' : await request.text();
  return text ? JSON.parse(text) : undefined;
}

/**
 * Sends an answer that matches the host's description. One that does not
 * (`problem`) is recorded in `violations` and fails the request.
 */
export function send(
  answer: Answer,
  problem: string | undefined,
  violations: string[],
): HttpResponse<any> {
  if (problem) {
    violations.push(problem);
    return HttpResponse.json({ message: problem }, { status: 500 });
  }
  return answer.body === undefined
    ? new HttpResponse(null, { status: answer.status })
    : HttpResponse.json(answer.body as any, {
        status: answer.status,
        headers: answer.headers,
      });
}
