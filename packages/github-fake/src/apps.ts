import { createVerify, generateKeyPairSync } from 'node:crypto';
import { notFound, Route } from './api';
import { example } from './openapi';

/** A GitHub App that the fake knows, installed on its owner. */
export interface FakeApp {
  appId: number;
  privateKey: string;
  publicKey: string;
  installationId: number;
}

export function createApp(): FakeApp {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { appId: 4242, privateKey, publicKey, installationId: 77 };
}

/** Whether a request carries a JWT that the app's private key signed. */
export function signedByApp(
  app: FakeApp | undefined,
  authorization: string | null,
): boolean {
  const jwt = authorization?.match(/^bearer (.+)$/i)?.[1];
  if (!app || !jwt) return false;
  const [header, payload, signature] = jwt.split('.');
  const verify = createVerify('RSA-SHA256');
  verify.update(`${header}.${payload}`);
  if (!verify.verify(app.publicKey, Buffer.from(signature, 'base64url'))) {
    return false;
  }
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  return (
    String(claims.iss) === String(app.appId) && claims.exp * 1000 > Date.now()
  );
}

/**
 * The app's own operations: finding its installation and getting the
 * installation token, which is the token the repository accepts.
 */
export function appRoutes(fake: {
  app?: FakeApp;
  owner: string;
  token: string;
  issuedTokens: string[];
}): Route[] {
  return [
    {
      method: 'get',
      api: '/app/installations',
      auth: 'app',
      handle: async () => ({
        status: 200,
        body: [
          {
            ...example<any[]>('base-installation-items')[0],
            id: fake.app!.installationId,
            app_id: fake.app!.appId,
            account: {
              ...example<any[]>('base-installation-items')[0].account,
              login: fake.owner,
              // The description of this operation asks for an account that
              // is both a Simple User and an Enterprise (allOf).
              name: fake.owner,
              slug: fake.owner,
              created_at: '2026-01-01T00:00:00Z',
              updated_at: '2026-01-01T00:00:00Z',
            },
            // Installed on every repository of the owner.
            repository_selection: 'all',
            suspended_at: null,
            suspended_by: null,
          },
        ],
      }),
    },
    {
      method: 'post',
      api: '/app/installations/{installation_id}/access_tokens',
      auth: 'app',
      handle: async ({ params }) => {
        if (Number(params.installation_id) !== fake.app!.installationId) {
          return notFound();
        }
        fake.issuedTokens.push(fake.token);
        return {
          status: 201,
          body: {
            ...example<object>('installation-token'),
            token: fake.token,
            expires_at: new Date(Date.now() + 3600_000).toISOString(),
            repository_selection: 'all',
            repositories: undefined,
          },
        };
      },
    },
  ];
}
