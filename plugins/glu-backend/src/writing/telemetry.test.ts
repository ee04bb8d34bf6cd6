import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import request from 'supertest';
import {
  ciAuthorization,
  eventually,
  startGlu,
} from '../__testUtils__/backend';
import { createGitFixture, GitFixture } from '../__testUtils__/git';
import { stagedPipeline } from '../__testUtils__/pipelines';
import {
  installTelemetry,
  pointsWith,
  valueOf,
} from '../__testUtils__/telemetry';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const CI_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CI_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CI_TRACE}-${CI_SPAN}-01`;
const alice = mockCredentials.user.header('user:default/alice');

/** build (published by CI) → staging (automatic) → production (by hand). */
const pipeline = (repository: string) =>
  stagedPipeline(repository, {
    name: 'ledger',
    owner: 'group:default/team-ledger',
  });

describe('telemetry', () => {
  let repo: GitFixture;
  let telemetry: ReturnType<typeof installTelemetry>;

  beforeEach(async () => {
    telemetry = installTelemetry();
    repo = await createGitFixture({
      'staging.yaml': 'version: 1.0.0\n',
      'production.yaml': 'version: 1.0.0\n',
    });
  });

  afterEach(async () => {
    await telemetry.uninstall();
    await repo.cleanup();
  });

  const messageOf = (file: string) =>
    simpleGit(repo.bareDir).raw([
      'log',
      '-1',
      '--format=%B',
      'main',
      '--',
      file,
    ]);

  it('carries CI’s trace from the publish through the automatic promotion to its commit, and links the next phase’s promotion to it', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(repo.url)],
      pipeline: 'ledger',
      config: { refreshInterval: { hours: 1 } },
      waitFor: ['staging', 'production'],
    });
    try {
      const published = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/phases/build/versions')
        .set('authorization', ciAuthorization())
        .set('traceparent', TRACEPARENT)
        .send({ version: '2.0.0' });
      expect(published.status).toBe(200);
      expect(published.body.state.traceparent).toMatch(
        new RegExp(`^00-${CI_TRACE}-[0-9a-f]{16}-01$`),
      );
      await eventually(
        async () =>
          (await repo.show('staging.yaml')).includes('2.0.0') || undefined,
        'the automatic promotion into staging',
      );

      // The publish is a child of CI's span.
      const [publish] = telemetry.spansNamed('glu.publish');
      expect(publish.spanContext().traceId).toBe(CI_TRACE);
      expect(publish.parentSpanContext?.spanId).toBe(CI_SPAN);
      expect(publish.attributes['cicd.pipeline.name']).toBe(
        'pipeline:default/ledger',
      );

      // The automatic promotion continues it: its parent is the stored
      // context of build's state, the publish.
      const promotion = await eventually(
        async () =>
          telemetry.spansNamed('glu.promotion', { 'glu.to': 'staging' })[0],
        'the promotion span',
      );
      expect(promotion.spanContext().traceId).toBe(CI_TRACE);
      expect(promotion.parentSpanContext?.spanId).toBe(
        publish.spanContext().spanId,
      );
      expect(promotion.attributes).toMatchObject({
        'cicd.pipeline.name': 'pipeline:default/ledger',
        'cicd.pipeline.result': 'success',
        'glu.from': 'build',
        'glu.promotion.strategy': 'commit',
        'glu.trigger': 'auto',
        'glu.version': '2.0.0',
        'vcs.repository.url.full': repo.url,
        'vcs.ref.head.name': 'main',
      });
      // Its steps, and git's, are in the same trace.
      for (const name of [
        'glu.promotion.plan',
        'glu.promotion.lease',
        'glu.promotion.write',
        'glu.git.commit',
        'glu.git.push',
      ]) {
        expect(
          telemetry
            .spansNamed(name)
            .some(s => s.spanContext().traceId === CI_TRACE),
        ).toBe(true);
      }
      const [write] = telemetry
        .spansNamed('glu.promotion.write')
        .filter(s => s.spanContext().traceId === CI_TRACE);
      expect(write.parentSpanContext?.spanId).toBe(
        promotion.spanContext().spanId,
      );

      // The commit carries the trace id beside who triggered it.
      const message = await messageOf('staging.yaml');
      expect(message).toContain('Triggered-by: glu:auto-promotion');
      expect(message).toContain(`Glu-Trace-Id: ${CI_TRACE}`);

      // Staging's new state is in the promotion's span.
      const history = await request(glu.server)
        .get('/api/glu/pipelines/default/ledger/phases/staging/history')
        .set('authorization', alice);
      expect(history.body.items[0].traceparent).toBe(
        `00-${CI_TRACE}-${promotion.spanContext().spanId}-01`,
      );

      // A person promotes into production later: a trace of their own,
      // linked to the version's.
      const manual = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/promotions')
        .set('authorization', alice)
        .send({ phase: 'production' });
      expect(manual.status).toBe(200);
      const [production] = telemetry.spansNamed('glu.promotion', {
        'glu.to': 'production',
      });
      expect(production.spanContext().traceId).not.toBe(CI_TRACE);
      expect(production.links.map(l => l.context)).toEqual([
        expect.objectContaining({
          traceId: CI_TRACE,
          spanId: promotion.spanContext().spanId,
        }),
      ]);
      expect(production.attributes['glu.trigger']).toBe('manual');
      expect(await messageOf('production.yaml')).toContain(
        `Glu-Trace-Id: ${production.spanContext().traceId}`,
      );
      expect(manual.body.traceparent).toContain(
        production.spanContext().traceId,
      );

      // A traceparent that is not one is ignored: the publish is its own.
      const bad = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/phases/build/versions')
        .set('authorization', ciAuthorization())
        .set('traceparent', `00-${'0'.repeat(32)}-${CI_SPAN}-01`)
        .send({ version: '2.1.0' });
      expect(bad.status).toBe(200);
      expect(bad.body.state.traceparent).toBeDefined();
      expect(bad.body.state.traceparent).not.toContain('0'.repeat(32));
    } finally {
      await glu.stop();
    }
  });

  it('counts and times promotions, lead times, refreshes and git, and reads the gauges from the store', async () => {
    const glu = await startGlu({
      knex: await databases.init('SQLITE_3'),
      entities: [pipeline(repo.url)],
      pipeline: 'ledger',
      config: { refreshInterval: { hours: 1 } },
      waitFor: ['staging', 'production'],
    });
    try {
      await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/phases/build/versions')
        .set('authorization', ciAuthorization())
        .send({ version: '2.0.0' })
        .expect(200);
      await eventually(
        async () =>
          (await repo.show('staging.yaml')).includes('2.0.0') || undefined,
        'the automatic promotion into staging',
      );
      // The remote refuses every push from now on: production fails.
      const hook = path.join(repo.bareDir, 'hooks', 'pre-receive');
      await fs.writeFile(hook, '#!/bin/sh\necho "frozen" >&2\nexit 1\n');
      await fs.chmod(hook, 0o755);
      const refused = await request(glu.server)
        .post('/api/glu/pipelines/default/ledger/promotions')
        .set('authorization', alice)
        .send({ phase: 'production' });
      expect(refused.status).toBe(409);

      const collected = await eventually(async () => {
        const all = await telemetry.collect();
        return all.has('glu.promotion.lead_time') ? all : undefined;
      }, 'the lead time');
      const promotions = collected.get('glu.promotions');
      const labels = {
        'cicd.pipeline.name': 'pipeline:default/ledger',
        'glu.promotion.kind': 'promotion',
        'glu.promotion.strategy': 'commit',
      };
      expect(
        valueOf(
          pointsWith(promotions, {
            ...labels,
            'glu.phase': 'staging',
            'glu.promotion.status': 'succeeded',
          })[0],
        ),
      ).toBe(1);
      expect(
        valueOf(
          pointsWith(promotions, {
            ...labels,
            'glu.phase': 'production',
            'glu.promotion.status': 'failed',
          })[0],
        ),
      ).toBe(1);
      expect((promotions ?? []).reduce((n, p) => n + valueOf(p), 0)).toBe(2);
      // No version, digest or id among the labels.
      for (const point of promotions ?? []) {
        expect(Object.keys(point.attributes).sort()).toEqual([
          'cicd.pipeline.name',
          'glu.phase',
          'glu.promotion.kind',
          'glu.promotion.status',
          'glu.promotion.strategy',
        ]);
      }
      expect(
        collected
          .get('glu.promotion.duration')!
          .reduce((n, p) => n + valueOf(p), 0),
      ).toBe(2);
      const lead = pointsWith(collected.get('glu.promotion.lead_time'), {
        'glu.phase': 'staging',
      });
      expect(valueOf(lead[0])).toBe(1);
      expect((lead[0].value as any).min).toBeGreaterThanOrEqual(0);

      const git = collected.get('glu.git.operation.duration');
      expect(
        valueOf(
          pointsWith(git, { 'glu.git.operation': 'push' }).find(
            p => !p.attributes['error.type'],
          ),
        ),
      ).toBe(1);
      expect(
        pointsWith(git, { 'glu.git.operation': 'push' }).some(
          p => p.attributes['error.type'],
        ),
      ).toBe(true);
      expect(
        valueOf(
          pointsWith(collected.get('glu.refresh.duration'), {
            'glu.source.type': 'git',
          })[0],
        ),
      ).toBeGreaterThan(0);

      // Production is behind staging; no pull request is open.
      expect(
        pointsWith(collected.get('glu.phases.behind'), {
          'cicd.pipeline.name': 'pipeline:default/ledger',
        }).map(p => p.value),
      ).toEqual([1]);
      expect(collected.get('glu.pull_requests.open') ?? []).toEqual([]);

      // The failure is on the spans, with status ERROR.
      const [failed] = telemetry.spansNamed('glu.promotion', {
        'glu.to': 'production',
      });
      expect(failed.status.code).toBe(2);
      expect(failed.attributes['error.type']).toBe('ConflictError');
    } finally {
      await glu.stop();
    }
  });
});
