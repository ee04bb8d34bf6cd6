import { PipelineSummary } from '@glu-dev/plugin-glu-common';
import { fetchPipelinesPage } from './pipelinePages';

function summary(name: string, owner: string): PipelineSummary {
  return {
    ref: `pipeline:default/${name}`,
    name,
    namespace: 'default',
    owner,
    components: [],
    phases: [],
    behind: 0,
  };
}

/** An API that pages like the backend: sorted by ref, cursor = last ref. */
function fakeApi(all: PipelineSummary[]) {
  const calls: {
    owner?: string | string[];
    limit?: number;
    cursor?: string;
  }[] = [];
  return {
    calls,
    async listPipelines(options: {
      owner?: string | string[];
      limit?: number;
      cursor?: string;
    }) {
      calls.push(options);
      const owners = options.owner ? [options.owner].flat() : undefined;
      const matching = all
        .filter(p => !owners || owners.includes(p.owner))
        .filter(p => !options.cursor || p.ref > options.cursor);
      const items = matching.slice(0, options.limit);
      return {
        items,
        nextCursor:
          matching.length > items.length
            ? items[items.length - 1].ref
            : undefined,
      };
    },
  };
}

describe('fetchPipelinesPage', () => {
  const all = [
    summary('a', 'group:default/one'),
    summary('b', 'group:default/two'),
    summary('c', 'group:default/one'),
    summary('d', 'group:default/three'),
    summary('e', 'group:default/two'),
  ];

  it('pages through every pipeline with the API cursor', async () => {
    const api = fakeApi(all);
    const first = await fetchPipelinesPage(api, undefined, {}, 2);
    expect(first.items.map(p => p.name)).toEqual(['a', 'b']);
    const second = await fetchPipelinesPage(api, undefined, first.next!, 2);
    expect(second.items.map(p => p.name)).toEqual(['c', 'd']);
    const third = await fetchPipelinesPage(api, undefined, second.next!, 2);
    expect(third.items.map(p => p.name)).toEqual(['e']);
    expect(third.next).toBeUndefined();
  });

  it('asks for the pipelines of any of several owners, one request a page', async () => {
    const api = fakeApi(all);
    const owners = [
      'group:default/one',
      'group:default/none',
      'group:default/two',
    ];
    const first = await fetchPipelinesPage(api, owners, {}, 3);
    expect(first.items.map(p => p.name)).toEqual(['a', 'b', 'c']);
    const second = await fetchPipelinesPage(api, owners, first.next!, 3);
    expect(second.items.map(p => p.name)).toEqual(['e']);
    expect(second.next).toBeUndefined();
    expect(api.calls.map(c => c.owner)).toEqual([owners, owners]);
  });

  it('lists nothing for an empty set of owners', async () => {
    const api = fakeApi(all);
    const page = await fetchPipelinesPage(api, [], {}, 10);
    expect(page).toEqual({ items: [], next: undefined });
    expect(api.calls).toHaveLength(0);
  });
});
