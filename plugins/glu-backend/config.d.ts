import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Settings of the Glu backend plugin. */
  glu?: {
    /**
     * Where the backend keeps its long-lived clones of Git repositories, one
     * per repository. Defaults to a folder of this backend's own
     * (`backstage-glu-<hash of backend.baseUrl>`) under
     * `backend.workingDirectory`, or the system's temporary folder: never
     * inside the backend's source tree. The clones are caches of the
     * remotes; a new folder only costs a clone.
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
     * Notifications to pipelines' owners, through Backstage's notifications:
     * the defaults of every pipeline, which its `spec.notifications` can
     * change.
     */
    notifications?: {
      /** False: no notifications. Defaults to true. */
      enabled?: boolean;
      /** How often lasting conditions are looked for. Defaults to one minute. */
      interval?: HumanDuration | string;
      /** After how long a blocked edge is notified, e.g. `1d` (the default). */
      blockedAfter?: string;
      /** After how long of failed refreshes a phase is notified, e.g. `1h` (the default). */
      refreshFailingAfter?: string;
      /** After how long a pin is notified, e.g. `7d` (the default). */
      pinnedAfter?: string;
    };
    /** Gates that observe the running system (`http`, `argocd`, …). */
    gates?: {
      /**
       * How often they are checked, in the background, for the version their
       * upstream phase holds. Defaults to 30 seconds.
       */
      checkInterval?: HumanDuration | string;
      /** The `http` gate. */
      http?: {
        /**
         * The addresses that the `http` gate may ask, decided by the
         * platform: a pipeline's gate that names any other is not asked and
         * says so. None when left out.
         */
        allow?: Array<{
          /** `host`, `host:port`, or `*.example.com` for any subdomain. */
          host: string;
          /** Path prefixes, e.g. `[/health]`; any path when left out. */
          paths?: string[];
        }>;
      };
    };
    /**
     * How long one operation may take before it is stopped and recorded as
     * failed: a git command (fetch, push, …; default 2 minutes), an HTTP
     * request to a registry, a chart repository or a Git host's API, its
     * answer included (default 30 seconds).
     */
    timeouts?: {
      git?: HumanDuration | string;
      http?: HumanDuration | string;
    };
    /**
     * How much Glu reads of what comes from outside. An input over a limit
     * is refused with an error that names the limit and this setting (a
     * phase's refresh error, a failed promotion), never read on regardless.
     */
    limits?: {
      /** A phase's file, read from Git or written to it, in bytes. Defaults to 4 MB (4194304). */
      fileBytes?: number;
      /**
       * One answer of a registry (a token, a tag list, a manifest), a Git
       * host's API or Argo CD, or the `http` gate's endpoint, in bytes.
       * Defaults to 8 MB (8388608).
       */
      answerBytes?: number;
      /** A chart repository's `index.yaml`, in bytes. Defaults to 64 MB (67108864). */
      chartIndexBytes?: number;
      /** How deep the collections of a YAML document may nest. Defaults to 100. */
      yamlDepth?: number;
      /**
       * The nodes (keys, values, items) a YAML file may hold, counting what
       * its aliases repeat as often as they repeat it (so that an alias bomb
       * is refused). Defaults to 1000000.
       */
      yamlNodes?: number;
    };
    /**
     * How long a replica's hold on a phase (the lease that serializes writes
     * into it) lasts unless renewed. A replica renews it while it works; when
     * it stops, the phase is free again after this long, and its unfinished
     * promotion is ended as abandoned by whichever replica notices first.
     * Defaults to one minute.
     */
    leaseDuration?: HumanDuration | string;
    /**
     * The users and groups (entity refs) who may set and lift freezes and
     * promote through them (a hotfix), under the owner policy of
     * `@glu-dev/plugin-permission-backend-module-glu`: the
     * `glu.freeze.manage` and `glu.pipeline.hotfix` permissions. Nobody when
     * left out; a policy of your own decides them itself.
     */
    releaseManagers?: string[];
    /**
     * Recurring freezes: promotions into the phases a freeze covers are
     * blocked during each of its occurrences, as for a freeze set at run
     * time. Each has a recurrence rule (RFC 5545, e.g.
     * `FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0`) and a duration, or dates.
     */
    freezes?: Array<{
      /** Unique; the freeze's id is `config:<name>`. */
      name: string;
      reason: string;
      /** What it covers; every pipeline when left out. */
      scope?: {
        namespaces?: string[];
        owners?: string[];
        pipelines?: string[];
        phases?: string[];
      };
      /** The IANA time zone of the rule and dates, e.g. Europe/Berlin; UTC by default. */
      timezone?: string;
      /** An RFC 5545 recurrence rule: when each occurrence starts, in the time zone. */
      recurrence?: string;
      /** How long each occurrence of the rule lasts, e.g. `64h` or { hours: 64 }. */
      duration?: HumanDuration | string;
      /**
       * Explicit stretches of time: from a date (its start) or date and
       * time, to a date (through its end) or date and time, in the time zone.
       */
      dates?: Array<{ from: string; to: string }>;
      /** Whether rollbacks are frozen too; by default they are not. */
      rollbacks?: boolean;
    }>;
    /**
     * Where pipelines may write, decided by the platform rather than by the
     * pipelines' own definitions. A write (promotion, rollback, pull request)
     * into a phase is allowed only when a scope covers its repository, branch
     * and path for the pipeline's owner; the catalog refuses a Pipeline whose
     * edges write elsewhere. With no scope configured, Glu writes nowhere. A
     * pipeline whose owner is not a group or user in the catalog writes
     * nowhere.
     */
    writeScopes?: Array<{
      /**
       * The repository, e.g. `https://github.com/acme/gitops`, or a pattern
       * such as `https://github.com/acme/*`; `*` for any repository.
       */
      repository: string;
      /** Branch patterns, e.g. `[main]`; any branch when left out. */
      branches?: string[];
      /**
       * Path patterns, e.g. `env/checkout/**`; the same placeholders in
       * `repository`. `{owner}` stands for the name of the pipeline's owner,
       * `{owner.namespace}` and `{owner.kind}` for its namespace and kind,
       * `{pipeline}` for the pipeline's name and `{namespace}` for its
       * namespace: `teams/{owner}/**`. A scope covers only the owners its
       * repository and path tell apart: with `{owner}` but without
       * `{owner.namespace}`, owners of the `default` namespace; without
       * `{owner.kind}`, groups; with `{pipeline}` but without `{namespace}`,
       * pipelines of the `default` namespace. A placeholder has its segment
       * to itself, or shares it with fixed text only (`{owner}-config`, not
       * `{owner}-*`).
       */
      paths: string[];
      /**
       * The owners (entity refs; kind `group` and namespace `default` when
       * left out) whose pipelines may write there, exactly; any owner when
       * left out.
       */
      owners?: string[];
    }>;
    /**
     * What services may write. A service (a static token of CI, another
     * plugin) writes only with an explicit grant: a grant here names its
     * subject, the permissions and the pipelines, or, for a subject with no
     * grant here, its token's access restrictions name the Glu permission
     * (every pipeline, with a warning at startup). A subject's grants here
     * decide where it may write, whatever its token's restrictions name.
     */
    serviceGrants?: Array<{
      /** The service's subject: a static token's `subject` as configured (e.g. `ci`), or `plugin:<pluginId>` for another plugin. */
      subject: string;
      /** Glu permissions, e.g. `[glu.pipeline.publish]`. */
      permissions: string[];
      /**
       * Patterns of the refs of the pipelines it may write to, e.g.
       * `pipeline:default/checkout-*` (kind `pipeline` and namespace
       * `default` when left out). A grant covers the pipelines that match
       * everything it names (`pipelines`, `owners`, `namespaces`); every
       * pipeline when it names none.
       */
      pipelines?: string[];
      /** The owners (entity refs) whose pipelines it may write to. */
      owners?: string[];
      /** The namespaces whose pipelines it may write to. */
      namespaces?: string[];
    }>;
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
      /**
       * Other hosts that may receive these credentials when the registry
       * sends Glu to them for a token, e.g. `auth.docker.io` for Docker Hub.
       * Credentials go to the registry's own host only, otherwise.
       */
      tokenHosts?: string[];
    }>;
    /** Webhooks that refresh phases at once. */
    webhooks?: {
      /**
       * How long a webhook delivery is remembered (by its delivery id:
       * GitHub's `X-GitHub-Delivery`, GitLab's `Idempotency-Key`, a
       * registry event's `id`), in the database the replicas share: a
       * delivery sent again within it is not acted on again. A day by
       * default.
       */
      replayWindow?: HumanDuration | string;
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
    /** How Glu uses the database that Backstage gives it. */
    database?: {
      /**
       * On SQLite only: `normal` syncs the write-ahead log at checkpoints
       * rather than at every commit. A committed transaction survives a
       * crash of the backend; a power loss may undo the last ones, never half
       * of one. Faster writes where that is acceptable (a single replica's
       * file, a laptop). Left out: SQLite's default (`full`).
       */
      sqliteSynchronous?: 'normal' | 'full';
    };
    /**
     * Glu's optimizations, each on unless switched off here, to measure what
     * it gains (`npm run bench` variants). They change how fast Glu answers
     * and writes, never what it answers or writes.
     */
    optimizations?: {
      /**
       * Statements of the same moment (pipelines' revisions, promotions
       * created together, leases, recorded writes, lead times) asked in one.
       * A failed batch is run again statement by statement, so that one bad
       * row fails only its own request.
       */
      batching?: boolean;
      /**
       * Promotions by commit announced to their repository while they are
       * planned: the commit waits for them (within its window), and the
       * fetch it builds on starts with the first.
       */
      announcedWrites?: boolean;
      /**
       * Git, simple-git's commands and the plumbing alike, run by a small
       * process of its own over IPC, so that the backend does not fork
       * (copying its page tables) for each.
       */
      gitSpawner?: boolean;
    };
    git?: {
      /** The author and committer of the commits that Glu makes. */
      author?: {
        /** Defaults to `Glu`. */
        name?: string;
        /** Defaults to `glu@localhost`. */
        email?: string;
      };
      /**
       * How writes to one branch that come together are gathered into one
       * commit: a commit goes once no write came for `pause` (10 ms by
       * default), and waits for promotions already decided into the branch
       * at most `window` (500 ms by default) after its first write.
       */
      gathering?: {
        pause?: HumanDuration | string;
        window?: HumanDuration | string;
      };
    };
  };
}
