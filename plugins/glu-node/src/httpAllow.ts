import { Config } from '@backstage/config';

/**
 * An address the platform lets gates ask (`glu.gates.http.allow`): a host,
 * and paths on it.
 *
 * @public
 */
export interface HttpGateAllowRule {
  /** `host`, `host:port`, or `*.example.com` for any subdomain. */
  host: string;
  /** Path prefixes; any path when left out. */
  paths?: string[];
}

/**
 * The platform's rules of `glu.gates.http.allow`: the addresses that gates
 * asking endpoints of the running system (`http`, an analysis's `web`
 * metrics) may ask.
 *
 * @public
 */
export function readHttpGateAllow(config: Config): HttpGateAllowRule[] {
  return (config.getOptionalConfigArray('glu.gates.http.allow') ?? []).map(
    rule => ({
      host: rule.getString('host'),
      paths: rule.getOptionalStringArray('paths'),
    }),
  );
}

/**
 * Whether the platform lets gates ask this address.
 *
 * @public
 */
export function httpGateAllows(rules: HttpGateAllowRule[], url: URL): boolean {
  const host = url.host.toLowerCase();
  return rules.some(rule => {
    const pattern = rule.host.toLowerCase();
    const hostMatches = pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern;
    return (
      hostMatches &&
      (!rule.paths ||
        rule.paths.some(prefix => url.pathname.startsWith(prefix)))
    );
  });
}
