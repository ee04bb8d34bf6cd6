/*
 * The reliability suite, hostile files: a person commits, into a phase's
 * file, a 5 MB map of 80,000 keys, a nested 5 MB document, an alias bomb;
 * and symbolic links out of the repository. While the replicas refresh and
 * promote around them, their liveness answers within 100 ms every time,
 * and each file ends in a refresh error that names the limit and its
 * setting (`glu.limits…`).
 */
import { eventually } from './harness/client';
import { pipeline } from './harness/entities';
import { LivenessProbe } from './harness/liveness';
import { Replica } from './harness/replicas';
import { TOKENS, useSuite } from './harness/suite';

const FILE = 'env/values.yaml';
const BENIGN = 'version: 1.0.0\n';
/** A refresh error or a refusal that names the limit and its setting. */
const LIMIT = /glu\.limits\.\w+/;
/** How long the backend may take to say it is alive, whatever it reads. */
const LIVENESS_MILLIS = 100;

/** A file's size, for the figures. */
function size(content: string): string {
  const bytes = Buffer.byteLength(content);
  return bytes < 1e6
    ? `${(bytes / 1e3).toFixed(1)} kB`
    : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** One map of 80,000 keys, about 5 MB, with the phase's key among them. */
function bigMap(): string {
  const lines = ['version: 1.0.0'];
  for (let i = 0; i < 80_000; i++) {
    lines.push(`key-${String(i).padStart(6, '0')}: ${'v'.repeat(52)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** About 5 MB of maps within maps, five deep, twelve wide. */
function nested(): string {
  const lines = ['version: 1.0.0', 'tree:'];
  const grow = (depth: number, indent: string) => {
    for (let i = 0; i < 12; i++) {
      if (depth === 5) {
        lines.push(`${indent}leaf-${i}: ${'n'.repeat(4)}`);
      } else {
        lines.push(`${indent}branch-${i}:`);
        grow(depth + 1, `${indent}  `);
      }
    }
  };
  grow(1, '  ');
  return `${lines.join('\n')}\n`;
}

/** A billion laughs: a few hundred bytes that expand to 9^9 strings. */
function aliasBomb(): string {
  const lines = [
    'version: 1.0.0',
    'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let i = 1; i < 9; i++) {
    lines.push(
      `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(
        ',',
      )}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('reliability: hostile files', () => {
  const CASES = ['big-map', 'nested', 'alias-bomb'];
  const ORDINARY = 'ordinary';
  const suite = useSuite({
    name: 'hostile-files',
    repositories: {
      ...Object.fromEntries(
        [...CASES, ORDINARY].map(name => [name, { [FILE]: BENIGN }]),
      ),
      links: { 'env/real.yaml': BENIGN },
    },
    entities: ({ host }) => [
      ...[...CASES, ORDINARY].map(name => pipeline(name, host.url(name), FILE)),
      pipeline('link-out', host.url('links'), 'env/passwd.yaml'),
      pipeline('link-up', host.url('links'), 'env/up.yaml'),
      pipeline('link-alias', host.url('links'), 'env/alias.yaml'),
      pipeline('link-dir', host.url('links'), 'env/dir/hostname'),
    ],
    // Links out of the repository, up its tree, to a folder, within it.
    prepare: async ({ host }) => {
      host.commit('links', {}, 'Links', {
        'env/passwd.yaml': '/etc/passwd',
        'env/up.yaml': '../../../../../../etc/hostname',
        'env/alias.yaml': 'real.yaml',
        'env/dir': '/etc',
      });
    },
    ready: [...CASES, ORDINARY],
  });

  /** Brings a replica that no longer answers back, as an operator would. */
  async function revive(replica: Replica) {
    try {
      const res = await fetch(`${replica.url}/.backstage/health/v1/liveness`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (res.ok) return;
    } catch {
      // Wedged: below.
    }
    await replica.kill();
    await replica.start();
  }

  let warmed = 0;
  /**
   * An ordinary refresh on one replica and a promotion on the other, each
   * way, once the replicas have started: the first ones load and compile
   * what they use (a promotion after another replica's refresh held a
   * replica's event loop for some 150 ms), which is no file's doing. The
   * same for the catalog's reads that Glu's sync of pipelines makes, on
   * each replica (their first answers held a replica that had just started
   * for some 150 ms).
   */
  async function warmUp() {
    const [a, b] = suite.replicas;
    for (const replica of suite.replicas) {
      const catalog = `${replica.url}/api/catalog/entities`;
      await suite.call(
        `${catalog}/by-query?fields=kind,metadata.namespace,metadata.name,metadata.etag&limit=500&filter=kind%3DPipeline`,
        { token: TOKENS.operator },
      );
      await suite.call(`${catalog}/by-refs`, {
        method: 'POST',
        token: TOKENS.operator,
        body: { entityRefs: [`pipeline:default/${ORDINARY}`] },
      });
    }
    for (const [refresher, promoter] of [
      [a, b],
      [b, a],
    ]) {
      warmed++;
      suite.host.commit(
        ORDINARY,
        { [FILE]: `version: 0.${warmed}.0\n` },
        'Warm up',
      );
      await suite.call(suite.url(refresher, ORDINARY, '/refresh'), {
        method: 'POST',
        token: TOKENS.operator,
      });
      await suite.publish(promoter, ORDINARY, `0.${warmed}.1`);
      await suite.promote(promoter, ORDINARY);
    }
  }

  beforeAll(() => warmUp());

  /**
   * A person commits the hostile content into the phase's file; a replica
   * refreshes it, and a promotion into it is asked for, while both replicas
   * are probed (a late liveness fails the scenario at once): the phase's
   * refresh error, what the promotion answered, and whether the branch
   * moved.
   */
  async function hostile(name: string, content: string) {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    const head = host.commit(name, { [FILE]: content }, 'Hostile');
    const probe = new LivenessProbe(replicas, LIVENESS_MILLIS);
    try {
      const refresh = await probe.during(
        suite.call(suite.url(a, name, '/refresh'), {
          method: 'POST',
          token: TOKENS.operator,
        }),
      );
      // The refresh answers once it is done: the phase as it left it.
      const staging = (
        refresh.body?.phases ?? (await suite.view(a, name)).phases
      ).find((p: any) => p.name === 'staging');
      const published = await suite.publish(b, name, '9.9.9');
      const promotion = await probe.during(suite.promote(b, name));
      await probe.stop();
      suite.figure(
        name,
        `${size(content)}: refresh error "${String(staging.refreshError).slice(
          0,
          80,
        )}", promotion ${promotion.status}; ${probe.summary()}`,
      );
      return {
        statuses: [refresh.status, published.status],
        refreshError: staging.refreshError as string | undefined,
        promotion: {
          status: promotion.status,
          message: promotion.body?.error?.message,
        },
        moved: host.head(name) !== head,
      };
    } finally {
      await probe.stop();
      host.commit(name, { [FILE]: BENIGN }, 'Back to what it was');
      const started = replicas.map(r => r.pid);
      for (const replica of replicas) await revive(replica);
      if (replicas.some((r, i) => r.pid !== started[i])) await warmUp();
    }
  }

  it('an ordinary file refreshed and promoted: the backend answers within 100 ms throughout (the probe itself)', async () => {
    const { host, replicas } = suite;
    const [a, b] = replicas;
    host.commit(ORDINARY, { [FILE]: 'version: 1.1.0\n' }, 'By hand');
    const probe = new LivenessProbe(replicas, LIVENESS_MILLIS);
    try {
      const refresh = await probe.during(
        suite.call(suite.url(a, ORDINARY, '/refresh'), {
          method: 'POST',
          token: TOKENS.operator,
        }),
      );
      expect(refresh.status).toBe(200);
      expect((await suite.publish(b, ORDINARY, '1.2.0')).status).toBe(200);
      const promotion = await probe.during(suite.promote(b, ORDINARY));
      expect([promotion.status, promotion.body.status]).toEqual([
        200,
        'succeeded',
      ]);
      await probe.stop();
      suite.figure(ORDINARY, `refreshed and promoted; ${probe.summary()}`);
    } finally {
      await probe.stop();
    }
  });

  it('a 5 MB map of 80,000 keys is refused at its limit, and the backend answers within 100 ms throughout', async () => {
    const outcome = await hostile('big-map', bigMap());
    expect(outcome.statuses).toEqual([200, 200]);
    expect(outcome.refreshError ?? 'no refresh error').toMatch(LIMIT);
    expect(outcome.promotion.message ?? 'no message').toMatch(LIMIT);
    expect(outcome.promotion.status).toBeGreaterThanOrEqual(400);
    expect(outcome.promotion.status).toBeLessThan(500);
    expect(outcome.moved).toBe(false);
  });

  it('a nested 5 MB document is refused at its limit, and the backend answers within 100 ms throughout', async () => {
    const outcome = await hostile('nested', nested());
    expect(outcome.statuses).toEqual([200, 200]);
    expect(outcome.refreshError ?? 'no refresh error').toMatch(LIMIT);
    expect(outcome.promotion.message ?? 'no message').toMatch(LIMIT);
    expect(outcome.promotion.status).toBeGreaterThanOrEqual(400);
    expect(outcome.promotion.status).toBeLessThan(500);
    expect(outcome.moved).toBe(false);
  });

  it('an alias bomb is refused at its limit, and the backend answers within 100 ms throughout', async () => {
    const outcome = await hostile('alias-bomb', aliasBomb());
    expect(outcome.statuses).toEqual([200, 200]);
    expect(outcome.refreshError ?? 'no refresh error').toMatch(LIMIT);
    expect(outcome.promotion.message ?? 'no message').toMatch(LIMIT);
    expect(outcome.promotion.status).toBeGreaterThanOrEqual(400);
    expect(outcome.promotion.status).toBeLessThan(500);
    expect(outcome.moved).toBe(false);
  });

  it('symbolic links in the repository are never read or written through', async () => {
    const { host, replicas } = suite;
    const [a] = replicas;
    for (const name of ['link-out', 'link-up', 'link-dir']) {
      const staging = await eventually(`${name} to be refreshed`, async () => {
        const phase = await suite.phase(a, name);
        return phase?.refreshError || phase?.state ? phase : undefined;
      });
      // Nothing of the files outside the repository came in.
      expect([name, staging.state]).toEqual([name, undefined]);
      expect(staging.refreshError).toBeTruthy();
      expect((await suite.publish(a, name, '9.9.9')).status).toBe(200);
      const answer = await suite.promote(a, name);
      expect([name, [400, 409].includes(answer.status)]).toEqual([name, true]);
    }
    // A link within the repository to a file of it reads as that file, and
    // is not written through either.
    expect((await suite.publish(a, 'link-alias', '9.9.9')).status).toBe(200);
    const head = host.head('links');
    const answer = await suite.promote(a, 'link-alias');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(host.head('links')).toBe(head);
    suite.figure(
      'symbolic links',
      '4 pipelines on links (out of the repository, up its tree, through a linked folder, within it): nothing read from outside, every write refused with a 4xx',
    );
  });

  it('answered every request without a 5xx that no scenario expected', () => {
    expect(suite.serverErrors()).toEqual([]);
  });
});
