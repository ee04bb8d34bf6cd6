/*
 * Where a `git` source points: the repository URL, the branch and the path
 * inside. Each is checked so that git cannot be misled by it (nothing that
 * git would take for an option, no credentials, no path that leaves the
 * repository).
 */

/**
 * Why a path inside a repository is unusable, or undefined when it is fine.
 * A path must stay inside the repository: relative, no `..` that climbs out.
 *
 * @public
 */
export function repositoryPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL characters';
  if (path.includes('\\')) return 'must use forward slashes';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) {
    return `"${path}" is absolute; it must be relative to the repository root`;
  }
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) {
        return `"${path}" leaves the repository`;
      }
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  if (segments.length === 0) return `"${path}" does not name a file`;
  if (segments[0] === '.git') return `"${path}" is inside .git`;
  return undefined;
}

/**
 * The normal form of a path that passed `repositoryPathProblem`.
 *
 * @public
 */
export function normalizeRepositoryPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

/** Why a repository URL is unusable, or undefined when it is fine. */
export function repositoryProblem(repository: string): string | undefined {
  // git would take it for an option.
  if (repository.startsWith('-')) {
    return `"${repository}" starts with "-"; it must be a repository URL`;
  }
  if (/[\s\0]/.test(repository)) {
    return `"${repository}" holds white space or control characters`;
  }
  if (/^[\w.][\w.-]*@[\w.][\w.-]*:[^/-].*$/.test(repository)) {
    return undefined; // scp-like: git@github.com:acme/gitops.git
  }
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    return `"${repository}" is not a repository URL`;
  }
  if (!['https:', 'http:', 'file:', 'ssh:', 'git:'].includes(url.protocol)) {
    return `"${repository}" uses an unsupported protocol ${url.protocol}`;
  }
  if (url.username || url.password) {
    return 'must not hold credentials; they come from the integrations config';
  }
  if (url.hostname.startsWith('-')) {
    return `"${repository}" names a host that starts with "-", which git would take for an option`;
  }
  if (url.protocol !== 'file:' && !url.hostname) {
    return `"${repository}" names no host`;
  }
  return undefined;
}

/**
 * Why a branch name is unusable, or undefined when it is fine: the rules of
 * `git check-ref-format`, and no leading "-" that git would take for an option.
 *
 * @public
 */
export function branchProblem(branch: string): string | undefined {
  const why = (reason: string) => `"${branch}" ${reason}`;
  if (branch.startsWith('-')) return why('starts with "-"');
  if (branch.includes('..')) return why('holds ".."');
  const forbidden = [...branch].some(
    char => char <= ' ' || char === '\u007f' || '~^:?*[\\'.includes(char),
  );
  if (forbidden) {
    return why('holds a space, a control character or one of ~ ^ : ? * [ \\');
  }
  if (branch.includes('@{') || branch === '@')
    return why('is not a branch name');
  if (
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.includes('//') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.split('/').some(part => part.startsWith('.'))
  ) {
    return why('is not a valid branch name (see git check-ref-format)');
  }
  if (branch.length > 255) return why('is longer than 255 characters');
  return undefined;
}
