/*
 * Glu's actions in the example backend, for agents through the MCP actions
 * backend, as docs/actions.md shows them: the tools it lists and the replies
 * it quotes are checked against what the MCP endpoint answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import request from 'supertest';
import {
  as,
  backend,
  describeExampleBackend,
  git,
  gitopsDir,
  untilObserved,
} from './__testUtils__/exampleBackend';

/** docs/actions.md's transcript: the tool names and the replies it quotes. */
function documented() {
  const tokens = new MarkdownIt().parse(
    fs.readFileSync(
      path.resolve(__dirname, '../../../docs/actions.md'),
      'utf8',
    ),
    {},
  );
  const fences = tokens.filter(t => t.type === 'fence');
  const listing = fences.find(t => t.content.includes('"tools/list"'));
  const replies = fences
    .filter(t => t.info.trim() === 'json')
    .map(t => JSON.parse(t.content));
  return {
    tools: (listing?.content ?? '')
      .split('\n')
      .filter(line => /^[\w.-]+$/.test(line)),
    reply: replies.find(r => 'structuredContent' in r),
    refusal: replies.find(r => r.isError),
  };
}

/** What a value is made of: its keys, recursively, and the types of leaves. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, v]) => [key, shape(v)]),
    );
  }
  return typeof value;
}

/** One JSON-RPC call to the MCP server, as an MCP client makes it. */
async function mcp(user: string, method: string, params: object) {
  const res = await request(backend.server)
    .post('/api/mcp-actions/v1')
    .set('authorization', as(user))
    .set('accept', 'application/json, text/event-stream')
    .send({ jsonrpc: '2.0', id: 1, method, params });
  expect(res.status).toBe(200);
  const data = res.text.split('\n').find(line => line.startsWith('data: '));
  return JSON.parse(data ? data.slice(6) : res.text);
}

describeExampleBackend(() => {
  beforeAll(untilObserved);

  it('lists every Glu action as a tool named glu.<action>, as the docs list them', async () => {
    // The example backend here sets no mcpActions config: the names are
    // namespaced by the MCP actions backend's default.
    const { tools } = (await mcp('alice', 'tools/list', {})).result;
    const names = tools.map((t: any) => t.name);
    expect(names).toEqual([
      'glu.list-pipelines',
      'glu.get-pipeline',
      'glu.list-history',
      'glu.get-dora',
      'glu.dry-run-promotion',
      'glu.promote',
      'glu.rollback',
      'glu.pin-phase',
      'glu.unpin-phase',
      'glu.list-freezes',
      'glu.set-freeze',
      'glu.lift-freeze',
      'glu.list-quarantines',
      'glu.quarantine-version',
      'glu.lift-quarantine',
      'glu.request-promotion',
      'glu.list-promotion-requests',
      'glu.withdraw-promotion-request',
      'glu.approve-version',
      'glu.get-fleet',
      'glu.diff-fleet',
      'glu.promote-fleet',
    ]);
    expect(documented().tools).toEqual(names);
    expect(
      tools.find((t: any) => t.name === 'glu.get-pipeline').annotations,
    ).toMatchObject({ readOnlyHint: true });
  });

  it('answers a call with the output as structured content and as JSON text, as the docs quote it', async () => {
    const { result } = await mcp('bob', 'tools/call', {
      name: 'glu.list-history',
      arguments: { pipeline: 'checkout', phase: 'production', limit: 1 },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.items[0]).toMatchObject({
      pipelineRef: 'pipeline:default/checkout',
      phase: 'production',
      version: '1.4.0',
    });
    expect(result.content).toEqual([
      { type: 'text', text: expect.any(String) },
    ]);
    expect(JSON.parse(result.content[0].text)).toEqual(
      result.structuredContent,
    );
    expect(shape(documented().reply)).toEqual(shape(result));
  });

  it("gives agents Glu's actions through MCP, acting as the user who calls", async () => {
    const view = await mcp('bob', 'tools/call', {
      name: 'glu.get-pipeline',
      arguments: { pipeline: 'checkout' },
    });
    expect(view.result.isError).toBeFalsy();
    expect(view.result.structuredContent.edges[1]).toMatchObject({
      from: 'staging',
      to: 'production',
      status: 'promotable',
    });

    const plan = await mcp('alice', 'tools/call', {
      name: 'glu.dry-run-promotion',
      arguments: { pipeline: 'checkout', phase: 'production' },
    });
    expect(plan.result.structuredContent).toMatchObject({
      status: 'promotable',
      diff: expect.stringContaining('registry.example.com/acme/checkout:1.5.0'),
    });

    // Bob may read, not promote: the same refusal as the HTTP API's.
    const before = git(['-C', gitopsDir, 'rev-parse', 'main']);
    const refused = await mcp('bob', 'tools/call', {
      name: 'glu.promote',
      arguments: { pipeline: 'checkout', phase: 'production' },
    });
    expect(refused.result).toEqual({
      content: [
        {
          type: 'text',
          text: expect.stringMatching(
            /^NotAllowedError: user:default\/bob may not update pipeline:default\/checkout/,
          ),
        },
      ],
      isError: true,
    });
    expect(shape(documented().refusal)).toEqual(shape(refused.result));
    expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(before);
  });
});
