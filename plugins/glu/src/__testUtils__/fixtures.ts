import {
  HistoryEntry,
  PhaseView,
  PipelineView,
} from '@glu-dev/plugin-glu-common';

/** Where the Glu API answers in component tests (msw intercepts it). */
export const GLU_BASE_URL = 'http://glu.test/api/glu';

export const CHECKOUT_REF = 'pipeline:default/checkout';

const DIGESTS: Record<string, string> = {
  '1.4.0': `sha256:${'14'.repeat(32)}`,
  '1.5.0': `sha256:${'15'.repeat(32)}`,
  '1.6.0': `sha256:${'16'.repeat(32)}`,
};

export function digestOf(version: string): string {
  return (
    DIGESTS[version] ??
    `sha256:${Buffer.from(version)
      .toString('hex')
      .padEnd(64, '0')
      .slice(0, 64)}`
  );
}

export function historyEntry(
  phase: string,
  id: string,
  version: string,
  overrides: Partial<HistoryEntry> = {},
): HistoryEntry {
  return {
    id,
    pipelineRef: CHECKOUT_REF,
    phase,
    digest: digestOf(version),
    version,
    fields: { repository: 'registry.example.com/acme/checkout', tag: version },
    blobHash: `blob-${id}`,
    cause: 'observed',
    observedAt: new Date(Date.now() - 60 * 60_000).toISOString(),
    ...overrides,
  };
}

function gitSource(path: string) {
  return {
    type: 'git',
    repository: 'https://github.com/acme/gitops',
    branch: 'main',
    path,
    format: { type: 'kubernetes', container: 'checkout' },
  };
}

/**
 * The example pipeline as the API shows it: build (versions published by
 * CI) -> staging (automatic) -> production (by hand), staging one version
 * ahead of production.
 */
export function checkoutView(
  change: (view: PipelineView) => void = () => {},
): PipelineView {
  const phases: PhaseView[] = [
    {
      name: 'build',
      title: 'Build',
      source: { type: 'api' },
      writable: false,
      state: historyEntry('build', '3', '1.5.0', {
        cause: 'published',
        actor: 'ci',
      }),
    },
    {
      name: 'staging',
      title: 'Staging',
      source: gitSource('env/staging/deployment.yaml'),
      writable: true,
      state: historyEntry('staging', '2', '1.5.0', {
        cause: 'promotion',
        actor: 'user:default/alice',
        commitSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        commitUrl:
          'https://github.com/acme/gitops/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      }),
    },
    {
      name: 'production',
      title: 'Production',
      source: gitSource('env/production/deployment.yaml'),
      writable: true,
      state: historyEntry('production', '1', '1.4.0', {
        cause: 'commit',
        actor: 'Jane Operator',
      }),
    },
  ];
  const view: PipelineView = {
    ref: CHECKOUT_REF,
    name: 'checkout',
    namespace: 'default',
    title: 'Checkout',
    owner: 'group:default/team-checkout',
    components: ['component:default/checkout'],
    phases,
    edges: [
      {
        from: 'build',
        to: 'staging',
        strategy: 'commit',
        auto: true,
        status: 'up-to-date',
        reasons: [],
        gates: [],
      },
      {
        from: 'staging',
        to: 'production',
        strategy: 'commit',
        auto: false,
        status: 'promotable',
        reasons: [],
        gates: [],
      },
    ],
  };
  change(view);
  return view;
}

/** A phase of a view, to change it in a test. */
export function phaseOf(view: PipelineView, name: string): PhaseView {
  const phase = view.phases.find(p => p.name === name);
  if (!phase) throw new Error(`no phase ${name}`);
  return phase;
}

/** A chain of phases p0 -> p1 -> ... -> p(n-1), every edge promotable. */
export function chainView(length: number): PipelineView {
  const phases: PhaseView[] = Array.from({ length }, (_, i) => ({
    name: `p${i}`,
    source: gitSource(`env/p${i}/deployment.yaml`),
    writable: true,
    state: historyEntry(`p${i}`, `${i + 1}`, `1.${length - i}.0`, {
      cause: 'promotion',
      actor: 'user:default/alice',
    }),
  }));
  return {
    ref: CHECKOUT_REF,
    name: 'checkout',
    namespace: 'default',
    title: 'Checkout',
    owner: 'group:default/team-checkout',
    components: ['component:default/checkout'],
    phases,
    edges: phases.slice(1).map((phase, i) => ({
      from: phases[i].name,
      to: phase.name,
      strategy: 'commit' as const,
      auto: false,
      status: 'promotable' as const,
      reasons: [],
      gates: [],
    })),
  };
}
