/*
 * Glu's actions in the example backend, for agents through the MCP actions
 * backend.
 */
import request from 'supertest';
import {
  as,
  backend,
  describeExampleBackend,
  git,
  gitopsDir,
  untilObserved,
} from './__testUtils__/exampleBackend';

describeExampleBackend(() => {
  beforeAll(untilObserved);

  it("gives agents Glu's actions through MCP, acting as the user who calls", async () => {
    /** One JSON-RPC call to the MCP server, as an MCP client makes it. */
    const mcp = async (user: string, method: string, params: object) => {
      const res = await request(backend.server)
        .post('/api/mcp-actions/v1')
        .set('authorization', as(user))
        .set('accept', 'application/json, text/event-stream')
        .send({ jsonrpc: '2.0', id: 1, method, params });
      expect(res.status).toBe(200);
      const data = res.text.split('\n').find(line => line.startsWith('data: '));
      return JSON.parse(data ? data.slice(6) : res.text);
    };
    const tools = (await mcp('alice', 'tools/list', {})).result.tools;
    const names = tools.map((t: any) => t.name);
    const tool = (action: string) =>
      names.find((name: string) => name.endsWith(action));
    expect(tool('promote')).toBeDefined();
    expect(tool('get-pipeline')).toBeDefined();
    expect(
      tools.find((t: any) => t.name === tool('get-pipeline')).annotations,
    ).toMatchObject({ readOnlyHint: true });

    const view = await mcp('bob', 'tools/call', {
      name: tool('get-pipeline'),
      arguments: { pipeline: 'checkout' },
    });
    expect(view.result.isError).toBeFalsy();
    expect(JSON.stringify(view.result.content)).toContain('promotable');

    const plan = await mcp('alice', 'tools/call', {
      name: tool('dry-run-promotion'),
      arguments: { pipeline: 'checkout', phase: 'production' },
    });
    expect(JSON.stringify(plan.result.content)).toContain(
      'registry.example.com/acme/checkout:1.5.0',
    );

    // Bob may read, not promote: the same refusal as the HTTP API's.
    const before = git(['-C', gitopsDir, 'rev-parse', 'main']);
    const refused = await mcp('bob', 'tools/call', {
      name: tool('promote'),
      arguments: { pipeline: 'checkout', phase: 'production' },
    });
    expect(refused.result.isError).toBe(true);
    expect(JSON.stringify(refused.result.content)).toContain(
      'user:default/bob may not',
    );
    expect(git(['-C', gitopsDir, 'rev-parse', 'main'])).toBe(before);
  });
});
