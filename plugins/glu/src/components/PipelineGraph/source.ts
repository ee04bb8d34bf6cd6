/** What a phase's source says about where its resource lives. */
export type SourceDescription = {
  /** A short human description, e.g. `env/production/deployment.yaml @ main`. */
  label: string;
  /** Where to look at it in a browser, when there is such a place. */
  url?: string;
  /** The full location, for a tooltip. */
  detail: string;
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function webRepository(repository: string): URL | undefined {
  try {
    const url = new URL(repository.replace(/\.git$/, ''));
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

function encodePath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

/**
 * The web address of a file in a Git repository, in the URL scheme of the
 * host: GitLab's `/-/blob/`, Bitbucket's `/src/`, Gitea's `/src/branch/`,
 * and GitHub's `/blob/` for everything else. Local and SSH repositories have
 * no web address.
 */
export function gitFileUrl(
  repository: string,
  branch: string,
  path: string,
): string | undefined {
  const url = webRepository(repository);
  if (!url) return undefined;
  const base = url.href.replace(/\/$/, '');
  const ref = encodeURIComponent(branch);
  const file = encodePath(path);
  const host = url.hostname;
  if (host.includes('gitlab')) return `${base}/-/blob/${ref}/${file}`;
  if (host.includes('bitbucket')) return `${base}/src/${ref}/${file}`;
  if (host.includes('gitea') || host.includes('codeberg')) {
    return `${base}/src/branch/${ref}/${file}`;
  }
  return `${base}/blob/${ref}/${file}`;
}

/**
 * The web page of an image repository: Docker Hub's for its images,
 * otherwise the registry's own address, which GHCR, Quay and most hosted
 * registries answer with a page about the repository.
 */
export function imageUrl(repository: string): string | undefined {
  const parts = repository.split('/');
  const hasHost = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]);
  if (!hasHost || parts[0] === 'docker.io' || parts[0] === 'index.docker.io') {
    const path = hasHost ? parts.slice(1) : parts;
    const name = path.length === 1 ? `_/${path[0]}` : `r/${path.join('/')}`;
    return `https://hub.docker.com/${name}`;
  }
  if (parts[0].startsWith('localhost') || parts[0].startsWith('127.')) {
    return undefined;
  }
  return `https://${repository}`;
}

/** Describes a phase's source for its card: git, oci, helm, api or other. */
export function describeSource(source: {
  type: string;
  [option: string]: unknown;
}): SourceDescription {
  const repository = str(source.repository);
  switch (source.type) {
    case 'git': {
      const branch = str(source.branch) ?? 'main';
      const path = str(source.path) ?? '';
      return {
        label: `${path} @ ${branch}`,
        url: repository ? gitFileUrl(repository, branch, path) : undefined,
        detail: `${repository ?? ''} ${branch}:${path}`.trim(),
      };
    }
    case 'oci': {
      const selector =
        (str(source.semver) && `semver ${source.semver}`) ||
        (str(source.pattern) && `tags matching ${source.pattern}`) ||
        `tag ${str(source.tag) ?? 'latest'}`;
      return {
        label: `${repository ?? ''} (${selector})`,
        url: repository ? imageUrl(repository) : undefined,
        detail: `OCI image ${repository ?? ''}, ${selector}`,
      };
    }
    case 'helm': {
      const chart = str(source.chart) ?? '';
      const range = str(source.semver);
      const url = repository ? webRepository(repository)?.href : undefined;
      return {
        label: `${chart}${range ? ` ${range}` : ''}`,
        url,
        detail: `Helm chart ${chart} from ${repository ?? ''}`,
      };
    }
    case 'api':
      return {
        label: 'published through the API',
        detail:
          'Versions are published to this phase through the Glu API, e.g. by CI',
      };
    default:
      return {
        label: repository ?? source.type,
        url: repository ? webRepository(repository)?.href : undefined,
        detail: `${source.type} source${repository ? ` ${repository}` : ''}`,
      };
  }
}
