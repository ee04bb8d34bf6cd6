import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Settings of the Glu backend plugin. */
  glu?: {
    /**
     * Where the backend keeps its long-lived clones of Git repositories, one
     * per repository. Defaults to `glu-work` under the backend's working
     * directory.
     */
    workingDirectory?: string;
    /**
     * How often every phase's source is looked at (one fetch per repository
     * per interval). Defaults to one minute.
     */
    refreshInterval?: HumanDuration | string;
    /** How often pipelines are read from the catalog. Defaults to 15 seconds. */
    catalogSyncInterval?: HumanDuration | string;
    /**
     * Container and chart registries, for `oci` and `helm` phases. Registries
     * that are not listed are read anonymously over HTTPS.
     */
    registries?: Array<{
      /** The registry host, with its port if any, e.g. `ghcr.io`. */
      host: string;
      username?: string;
      /** @visibility secret */
      password?: string;
      /** A bearer token sent as is. @visibility secret */
      token?: string;
      /** Speak plain HTTP, e.g. to a registry on loopback. */
      insecure?: boolean;
    }>;
    /** Webhooks that refresh phases at once. */
    webhooks?: {
      /**
       * Registry push notifications, at /api/events/http/glu-registry with
       * the events backend and the eventsModuleGluRegistryWebhook module.
       */
      registry?: {
        /**
         * The token a registry sends as `Authorization: Bearer <token>`.
         * @visibility secret
         */
        token?: string;
      };
    };
    /** The author and committer of the commits that Glu makes. */
    git?: {
      author?: {
        /** Defaults to `Glu`. */
        name?: string;
        /** Defaults to `glu@localhost`. */
        email?: string;
      };
    };
  };
}
