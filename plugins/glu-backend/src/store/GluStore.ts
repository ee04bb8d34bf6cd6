import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { BatcherOptions } from '../batcher';
import { ApprovalStore, KnexApprovalStore } from './ApprovalStore';
import { DeliveryFigures, KnexDeliveryFigures } from './DeliveryFigures';
import { GateCheckStore, KnexGateCheckStore } from './GateCheckStore';
import { KnexLeaseStore, LeaseStore } from './LeaseStore';
import {
  KnexNotificationClaims,
  NotificationClaims,
} from './NotificationClaims';
import { FreezeStore, KnexFreezeStore } from './FreezeStore';
import { KnexQuarantineStore, QuarantineStore } from './QuarantineStore';
import { KnexRequestStore, RequestStore } from './RequestStore';
import { KnexPhaseStore, PhaseStore } from './PhaseStore';
import { KnexPinStore, PinStore } from './PinStore';
import { KnexPipelineStore, PipelineStore } from './PipelineStore';
import { KnexPromotionStore, PromotionStore } from './PromotionStore';
import { isSqlite } from './rows';
import { KnexSourceCheckStore, SourceCheckStore } from './SourceCheckStore';
import { UnitOfWork } from './UnitOfWork';
import { WebhookDeliveries } from './WebhookDeliveries';
import { CatalogRefusals } from './CatalogRefusals';

const migrationsDir = resolvePackagePath(
  '@glu-dev/plugin-glu-backend',
  'migrations',
);

/**
 * The plugin's tables, by area. A part of the engine takes the areas it
 * works with (`Pick<GluStore, 'pipelines' | 'phases'>`), so that what it
 * touches is in its type.
 */
export interface GluStore {
  pipelines: PipelineStore;
  phases: PhaseStore;
  promotions: PromotionStore;
  leases: LeaseStore;
  /** When each group of phases' source was last asked. */
  checks: SourceCheckStore;
  pins: PinStore;
  /** Freezes set at run time. */
  freezes: FreezeStore;
  /** Quarantined versions. */
  quarantines: QuarantineStore;
  /** Promotion requests, waiting for their approval policy. */
  requests: RequestStore;
  approvals: ApprovalStore;
  gateChecks: GateCheckStore;
  notifications: NotificationClaims;
  figures: DeliveryFigures;
  /** The webhook deliveries received, so that each is acted on once. */
  deliveries: WebhookDeliveries;
  /** The pipeline definitions that the catalog refused, as it reports them. */
  refusals: CatalogRefusals;
  /** Answers when the database does; throws otherwise. */
  ping(): Promise<void>;
}

/** How the store uses its database. */
export interface GluStoreOptions {
  database: DatabaseService;
  skipMigrations?: boolean;
  /**
   * False: every statement that would be gathered with others of the same
   * moment runs alone (see `Batcher`). Defaults to true.
   */
  batching?: boolean;
  /**
   * SQLite's `synchronous` for this plugin's connection (`glu.database.sqliteSynchronous`);
   * left as SQLite's default (`full`) when not given. See `createGluStore`.
   */
  sqliteSynchronous?: 'normal' | 'full';
}

/**
 * The store on the plugin's database, migrated once.
 *
 * On SQLite, the file keeps a write-ahead log (`journal_mode = WAL`, a
 * setting of the plugin's own file that stays with it): a write is one
 * append rather than a synced rewrite of pages, and reads go on while it
 * happens. With `sqliteSynchronous: normal`, a commit appends to the log
 * and the log is synced at checkpoints, not at every commit: a committed
 * transaction survives a crash of the backend, a power loss may undo the
 * last ones, never half of one (SQLite's guarantee for WAL mode). The
 * setting is per connection and set through knex's public `raw` on the one
 * connection knex keeps for SQLite; should the pool ever replace it, the
 * new one runs at SQLite's default, `full`: safer, never less durable.
 *
 * (Until this, each SQLite connection also kept its prepared statements,
 * by replacing better-sqlite3's `prepare` through knex's internals, so that
 * the same few dozen statements were not compiled on every run; that is
 * gone with the reaching into the host's pool.)
 */
export async function createGluStore(
  options: GluStoreOptions,
): Promise<GluStore> {
  const db = await options.database.getClient();
  if (!options.database.migrations?.skip && !options.skipMigrations) {
    await db.migrate.latest({ directory: migrationsDir });
  }
  if (isSqlite(db)) {
    await db.raw('PRAGMA journal_mode = WAL');
    if (options.sqliteSynchronous) {
      const level = options.sqliteSynchronous === 'normal' ? 'NORMAL' : 'FULL';
      await db.raw(`PRAGMA synchronous = ${level}`);
    }
  }
  return storeOn(db, { enabled: options.batching !== false });
}

function storeOn(db: Knex, batching: BatcherOptions): GluStore {
  const unit = new UnitOfWork(db);
  return {
    pipelines: new KnexPipelineStore(db, unit, batching),
    phases: new KnexPhaseStore(db, unit, batching),
    promotions: new KnexPromotionStore(db, unit, batching),
    leases: new KnexLeaseStore(db, batching),
    checks: new KnexSourceCheckStore(db),
    pins: new KnexPinStore(db, unit),
    freezes: new KnexFreezeStore(db),
    quarantines: new KnexQuarantineStore(db),
    requests: new KnexRequestStore(db, unit),
    approvals: new KnexApprovalStore(db, unit),
    gateChecks: new KnexGateCheckStore(db, unit),
    notifications: new KnexNotificationClaims(db),
    figures: new KnexDeliveryFigures(db, batching),
    deliveries: new WebhookDeliveries(db),
    refusals: new CatalogRefusals(db),
    ping: async () => {
      await db.raw('select 1');
    },
  };
}
