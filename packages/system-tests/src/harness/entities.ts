/**
 * The catalog the suite's replicas read: pipelines, and the groups and users
 * that own them (an owner that is not in the catalog owns nothing).
 */

/** The owner of the suite's pipelines unless a scenario says otherwise. */
export const OWNER = 'group:default/team-reliability';

/**
 * The people of the suite's catalog and their teams: `olivia` owns
 * `team-platform`'s pipelines, `nate` is in another team, `mallory` in the
 * team that tries to write where it may not (`oscar` is in nate's team),
 * `rita` is a release manager
 * (she may set freezes and hotfix) in `team-platform`. A User named like a team
 * stands for an owner whose name collides with a group's.
 */
export const PEOPLE: Record<string, string[]> = {
  olivia: ['team-platform'],
  nate: ['team-other'],
  oscar: ['team-other'],
  mallory: ['team-attacker'],
  rita: ['team-platform', 'release-managers'],
  'team-platform': [],
};

const TEAMS = [
  'team-reliability',
  'team-platform',
  'team-other',
  'team-attacker',
  'release-managers',
];

/** The Group and User entities of the people and teams above. */
export function organization(): object[] {
  return [
    ...TEAMS.map(name => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [] },
    })),
    ...Object.entries(PEOPLE).map(([name, teams]) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: 'default' },
      spec: { memberOf: teams.map(team => `group:default/${team}`) },
    })),
  ];
}

/** A git-backed phase that reads and writes `version:` in a YAML file. */
export function gitSource(repository: string, file: string, branch = 'main') {
  return {
    type: 'git',
    repository,
    branch,
    path: file,
    format: { type: 'yaml-path', key: 'version' },
  };
}

/**
 * A pipeline of two phases: `build`, published to through the API (or read
 * from `upstream` when given), and `staging`, a file in a Git repository,
 * promoted from `build`.
 */
export function pipeline(
  name: string,
  repository: string,
  file: string,
  options: {
    auto?: boolean;
    owner?: string;
    namespace?: string;
    /** Where `build` reads its version instead of being published to. */
    upstream?: object;
    /** More of the staging phase's promotion, e.g. gates. */
    promotion?: object;
    /** More of the staging phase's source, e.g. an interval. */
    source?: object;
  } = {},
) {
  return {
    apiVersion: 'glu.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: options.namespace ?? 'default' },
    spec: {
      owner: options.owner ?? OWNER,
      phases: [
        { name: 'build', source: options.upstream ?? { type: 'api' } },
        {
          name: 'staging',
          source: { ...gitSource(repository, file), ...options.source },
          promotion: {
            from: 'build',
            auto: options.auto ?? false,
            ...options.promotion,
          },
        },
      ],
    },
  };
}
