import { performance } from "node:perf_hooks";
import { QueryTypes, type Sequelize } from "sequelize";
import { verifySchema } from "../adapter/verifySchema";
import { validateConfig, type AuthdbConfig } from "../config";
import { dialectOf, toDatabaseDate } from "../database";
import { InvalidInputError } from "../errors";
import type { TableSpec } from "../schema";
import { validatePruneOptions, type PruneSettings } from "./pruneOptions";
import { isPlainPostgresTable, pruneRelation, pruneStatements } from "./pruneStatements";
import { PRUNABLE_MODELS, type PrunableModel, type PruneOptions, type PruneResult, type PruneTableResult } from "./types";

const SUPPORTED = ["postgres", "sqlite", "mysql", "mariadb"];

/**
 * Every statement runs outside any transaction of the caller: with Sequelize's CLS on, a prune called
 * inside `sequelize.transaction()` would otherwise join it and hold every deleted row's lock until that
 * transaction ends. Each batch is one autocommitted statement, so its locks last milliseconds.
 */
const OWN_STATEMENT = { transaction: null } as const;

/**
 * Deletes the expired sessions and verification tokens (`expires` before `options.now`), in batches of
 * `batchSize` rows, each one short statement: a table of millions is never locked for long and sign-ins
 * go on meanwhile. For cron jobs and serverless schedulers; `authdb prune` is the same from the shell.
 *
 * Checks first, like the adapter's first call, that the migrated tables exist (SchemaNotMigratedError
 * otherwise); creates nothing. A failure stops the prune; the batches before it stay deleted.
 */
export async function prune(sequelize: Sequelize, config: AuthdbConfig = {}, options: PruneOptions = {}): Promise<PruneResult> {
  const settings = validatePruneOptions(options);
  if (!sequelize || typeof (sequelize as Partial<Sequelize>).getDialect !== "function") {
    throw new InvalidInputError("prune(sequelize, config): the first argument must be a Sequelize instance", "Pass the instance your app uses: prune(sequelize, config).");
  }
  const dialect = dialectOf(sequelize);
  if (!SUPPORTED.includes(dialect)) throw new InvalidInputError(`prune: the ${dialect} dialect is not supported`, `Use one of ${SUPPORTED.join(", ")}.`);
  const { schema } = validateConfig(config);
  const started = performance.now();
  await verifySchema(sequelize, schema, config.schema);

  if (settings.onEvent && settings.countFirst && !settings.dryRun) {
    const expired = {} as Record<PrunableModel, number>;
    for (const model of PRUNABLE_MODELS) expired[model] = await countExpired(sequelize, schema.tables[model], config.schema, settings);
    settings.onEvent({ type: "pruning", tables: expired, rows: Object.values(expired).reduce((sum, n) => sum + n, 0) });
  }
  const tables = {} as Record<PrunableModel, PruneTableResult>;
  for (const model of PRUNABLE_MODELS) tables[model] = await pruneTable(sequelize, schema.tables[model], config.schema, settings);
  const results = Object.values(tables);
  return {
    dryRun: settings.dryRun,
    now: settings.now,
    batchSize: settings.batchSize,
    tables,
    rows: results.reduce((sum, t) => sum + t.rows, 0),
    batches: results.reduce((sum, t) => sum + t.batches, 0),
    durationMs: performance.now() - started,
  };
}

/** The expired rows of one table, read in a statement of its own (the dry run's answer, the progress bar's total). */
async function countExpired(sequelize: Sequelize, table: TableSpec, namespace: string | undefined, settings: PruneSettings): Promise<number> {
  const dialect = dialectOf(sequelize);
  const { countExpired: sql } = pruneStatements(sequelize, table, namespace, settings.batchSize);
  // Sequelize's SQLite driver would otherwise read PRAGMA table_info before a SELECT that names a table.
  const [row] = await sequelize.query<{ count: number | string }>(sql, {
    bind: [toDatabaseDate(dialect, settings.now)],
    type: QueryTypes.SELECT,
    raw: true,
    ...OWN_STATEMENT,
    ...(dialect === "sqlite" ? { tableNames: [] as string[] } : {}),
  });
  return Number(row?.count ?? 0);
}

async function pruneTable(sequelize: Sequelize, table: TableSpec, namespace: string | undefined, settings: PruneSettings): Promise<PruneTableResult> {
  const model = table.model as PrunableModel;
  const started = performance.now();
  const dialect = dialectOf(sequelize);
  const plain = dialect === "postgres" && !settings.dryRun && (await isPlainPostgresTable(sequelize, pruneRelation(sequelize, table, namespace)));
  const statements = pruneStatements(sequelize, table, namespace, settings.batchSize, plain);
  const cutoff = toDatabaseDate(dialect, settings.now);
  let rows = 0;
  let batches = 0;

  if (settings.dryRun) {
    rows = await countExpired(sequelize, table, namespace, settings);
    batches = Math.ceil(rows / settings.batchSize);
  } else {
    for (;;) {
      const batchStarted = performance.now();
      const removed = Number(await sequelize.query(statements.deleteBatch, { bind: statements.deleteBind(cutoff), type: QueryTypes.BULKDELETE, ...OWN_STATEMENT }));
      if (removed > 0) {
        rows += removed;
        batches += 1;
        settings.onEvent?.({ type: "batch", model, table: table.table, batch: batches, rows: removed, totalRows: rows, durationMs: performance.now() - batchStarted });
      }
      // A short batch means no unlocked expired row is left. On PostgreSQL a row a sign-in holds was
      // skipped; it is removed by the next run rather than waited for.
      if (removed < settings.batchSize) break;
    }
  }
  const durationMs = performance.now() - started;
  settings.onEvent?.({ type: "table", model, table: table.table, rows, batches, durationMs, dryRun: settings.dryRun });
  return { model, table: table.table, rows, batches, durationMs };
}
