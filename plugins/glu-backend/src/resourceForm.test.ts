import { fieldsProblem, splitRepository } from './resourceForm';

const sha256 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const sha512 = `sha512:${'0123456789abcdef'.repeat(8)}`;

describe('the form of a resource', () => {
  it.each([
    [{ repository: 'registry.example.com/acme/checkout', tag: '1.2.0' }],
    [{ repository: 'nginx', tag: 'latest', digest: sha256 }],
    [{ repository: 'localhost/app', tag: 'v1.0_rc.1-2' }],
    [{ repository: '127.0.0.1:5000/a/b__c/d-e', digest: sha512 }],
    [{ repository: '[::1]:5000/app', tag: '_x' }],
    [{ repository: 'Registry.Example.com:443/acme/a.b', tag: 'T'.repeat(128) }],
    [{ chart: 'checkout', version: '1.2.0+build.5', digest: sha256 }],
    [{ version: 'v1.6.0-rc.1' }],
    [{ version: `_${'9'.repeat(127)}` }],
    [{ value: 'anything at all: "quoted", with spaces' }],
  ])('accepts %p', fields => {
    expect(fieldsProblem(fields)).toBeUndefined();
  });

  it.each([
    [{ digest: 'sha256:xyz' }, /^digest "sha256:xyz" is not a sha256 digest/],
    [{ digest: `sha256:${'A'.repeat(64)}` }, /is not a sha256 digest/],
    [{ digest: `sha512:${'a'.repeat(64)}` }, /128 lowercase hex characters/],
    [{ digest: 'not-a-digest' }, /^digest "not-a-digest" is not a digest/],
    [
      { digest: 'md5:abc' },
      /uses the algorithm md5, which is not a registered/,
    ],
    [
      { tag: '2.2.0 ; rm -rf /' },
      /^tag "2.2.0 ; rm -rf \/" is not an image tag/,
    ],
    [{ tag: '.hidden' }, /is not an image tag/],
    [
      { version: 'not a version!!' },
      /^version "not a version!!" is not a version: at most 128 letters, digits/,
    ],
    [{ version: '+1.0.0' }, /is not a version/],
    [{ version: '1.0.0/../../x' }, /is not a version/],
    [{ version: 'v'.repeat(129) }, /is not a version/],
    [{ tag: 't'.repeat(129) }, /is not an image tag/],
    [{ tag: '1.0\n' }, /^tag holds a control character \(U\+000A\)/],
    [{ version: '1\u0000' }, /^version holds a control character \(U\+0000\)/],
    [{ version: '1\u2028' }, /U\+2028/],
    [
      { version: 'v'.repeat(256) },
      /^version is 256 characters long, at most 255/,
    ],
    [{ version: '' }, /^version is empty/],
    [{ ['n'.repeat(65)]: '1' }, /must be 1 to 64 characters long/],
    [{ 'a\tb': '1' }, /^the field name "a\\tb" holds a control character/],
    [{ repository: 'acme/Checkout' }, /"Checkout" is not a path component/],
    [{ repository: 'acme//checkout' }, /"" is not a path component/],
    [
      { repository: 'bad_host.io/acme' },
      /"bad_host.io" is not a registry host/,
    ],
    [{ repository: 'host:port/acme' }, /"host:port" is not a registry host/],
    [{ repository: `r/${'a'.repeat(254)}` }, /at most 255/],
  ])('refuses %p, saying what to fix', (fields, problem) => {
    expect(fieldsProblem(fields)).toMatch(problem);
  });

  it('splits a repository into its registry host and path as docker pull reads it', () => {
    expect(splitRepository('ghcr.io/acme/checkout')).toEqual({
      host: 'ghcr.io',
      path: 'acme/checkout',
    });
    expect(splitRepository('localhost:5000/app')).toEqual({
      host: 'localhost:5000',
      path: 'app',
    });
    expect(splitRepository('bitnami/redis')).toEqual({ path: 'bitnami/redis' });
    expect(splitRepository('nginx')).toEqual({ path: 'nginx' });
  });
});
