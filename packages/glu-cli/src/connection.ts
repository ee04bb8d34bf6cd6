import { GluClient } from '@glu-dev/plugin-glu-common';
import fs from 'node:fs';
import { ExitCode, GluCliError, secondsOf } from './exits';

/** Where Backstage is and who asks, from the options or the environment. */
export type ConnectionOptions = {
  url?: string;
  token?: string;
  tokenFile?: string;
  timeout?: string;
};

export type Connection = {
  url: string;
  timeoutSeconds: number;
  client: GluClient;
};

function tokenOf(options: ConnectionOptions): string | undefined {
  const token = options.token ?? process.env.GLU_TOKEN;
  if (token) return token.trim();
  const file = options.tokenFile ?? process.env.GLU_TOKEN_FILE;
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new GluCliError(
      `Cannot read the token file ${file}: ${(error as Error).message}`,
      ExitCode.usage,
    );
  }
}

/**
 * The client of Glu's API on the Backstage backend at `--url` (or
 * `GLU_URL`), sending the token of `--token`, `GLU_TOKEN`, `--token-file`
 * or `GLU_TOKEN_FILE`, in that order; every request has a deadline.
 */
export function connect(options: ConnectionOptions): Connection {
  const raw = options.url ?? process.env.GLU_URL;
  if (!raw) {
    throw new GluCliError(
      'Where is Backstage? Give its backend URL with --url or GLU_URL, e.g. http://localhost:7007',
      ExitCode.usage,
    );
  }
  let url: string;
  try {
    url = new URL(raw).toString().replace(/\/+$/, '');
  } catch {
    throw new GluCliError(
      `--url (or GLU_URL) is not a URL: ${raw}`,
      ExitCode.usage,
    );
  }
  const timeoutSeconds = secondsOf(options.timeout ?? '30', '--timeout');
  const token = tokenOf(options);
  const client = new GluClient({
    discoveryApi: { getBaseUrl: async () => `${url}/api/glu` },
    fetchApi: {
      fetch: (input, init) => {
        const request = new Request(input, init);
        if (token) request.headers.set('authorization', `Bearer ${token}`);
        return fetch(request, {
          signal: AbortSignal.timeout(timeoutSeconds * 1000),
        });
      },
    },
  });
  return { url, timeoutSeconds, client };
}
