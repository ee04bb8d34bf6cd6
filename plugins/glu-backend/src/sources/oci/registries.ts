import { Config } from '@backstage/config';
import { RegistryConfig } from './OciRegistryClient';

/** The registries under `glu.registries`, with their credentials. */
export function readRegistries(config: Config): RegistryConfig[] {
  return (config.getOptionalConfigArray('glu.registries') ?? []).map(r => ({
    host: r.getString('host'),
    username: r.getOptionalString('username'),
    password: r.getOptionalString('password'),
    token: r.getOptionalString('token'),
    insecure: r.getOptionalBoolean('insecure'),
    tokenHosts: r.getOptionalStringArray('tokenHosts'),
  }));
}
