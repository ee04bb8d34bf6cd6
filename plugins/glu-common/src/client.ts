import { ResponseError } from '@backstage/errors';
import { GluHealth } from './types';

/** How the client finds the backend and authenticates its requests. */
export interface GluClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
}

/** The typed client of the Glu HTTP API (`/api/glu`). */
export class GluClient {
  private readonly discoveryApi: GluClientOptions['discoveryApi'];
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: GluClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (...args) => fetch(...args) };
  }

  async getHealth(): Promise<GluHealth> {
    return this.request<GluHealth>('/health');
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('glu');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
