import { generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { SIGN_IN_SECRET_HEADER, SIGN_IN_USER_HEADER } from '../signIn';
import { call, Tally } from './client';

const b64 = (value: unknown) =>
  Buffer.from(
    typeof value === 'string' ? value : JSON.stringify(value),
  ).toString('base64url');

/** A JWT's header and claims, unverified. */
export function decodeToken(token: string): { header: any; claims: any } {
  const [header, claims] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')),
  };
}

function es256(header: object, claims: object, key: KeyObject): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * A real user token from a replica's auth backend: the suite's sign-in
 * provider signs in as the catalog's User of this name.
 */
export async function signIn(
  baseUrl: string,
  user: string,
  secret: string,
  tally?: Tally,
): Promise<string> {
  const answer = await call(tally, `${baseUrl}/api/auth/suite/refresh`, {
    headers: { [SIGN_IN_USER_HEADER]: user, [SIGN_IN_SECRET_HEADER]: secret },
  });
  const token = answer.body?.backstageIdentity?.token;
  if (answer.status !== 200 || !token) {
    throw new Error(
      `Could not sign in as ${user}: ${answer.status} ${JSON.stringify(
        answer.body,
      )}`,
    );
  }
  return token;
}

/**
 * Tokens that claim to be a user and are not, made from a real one (whose
 * issuer, audience and key id they copy): signed with a key of the
 * suite's own, under a key id of its own or under the real key's id; with
 * no signature at all (`alg: none`); and the real token with its subject
 * and ownership changed after it was signed.
 */
export function forgedTokens(
  real: string,
  as: { userRef: string; ownership: string[] },
): Record<string, string> {
  const { header, claims } = decodeToken(real);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Math.floor(Date.now() / 1000);
  const forged = {
    ...claims,
    sub: as.userRef,
    ent: as.ownership,
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
  };
  const [realHeader, , realSignature] = real.split('.');
  return {
    'signed with another key': es256(
      { ...header, kid: randomUUID() },
      forged,
      privateKey,
    ),
    "signed with another key under the real key's id": es256(
      header,
      forged,
      privateKey,
    ),
    'alg none': `${b64({ typ: 'JWT', alg: 'none' })}.${b64(forged)}.`,
    'a real token with its claims changed': `${realHeader}.${b64(
      forged,
    )}.${realSignature}`,
  };
}
