import type { Sequelize } from "sequelize";
// Sequelize's constants alone (a few lines): `authdb status` reads through this module without loading Sequelize.
import QueryTypes from "sequelize/lib/query-types";
import { dialectOf, fromDatabaseDate, isMysqlFamily, quoteIdentifier, toDatabaseDate } from "../database";
import { configuredSchema, qualifiedName, requireSchema, resolveSchema, tableExists } from "../database/catalog";
import { withTableRight } from "../database/permissions";
import { META_TABLE, migrationHistoryOf } from "./historyOptions";
import { LOCK_TABLE } from "./lock/sqliteLock";

/** sequelize-cli's table (default name; `migrationStorageTableName` renames it): one `name` column, maybe timestamps. */
export { META_TABLE };
/** authdb's sidecar: a checksum and the time of each migration it applied. */
export const CHECKSUM_TABLE = "authdb_migrations";
/**
 * authdb's record of migrations that failed partway, having run without a transaction: which of their
 * statements took effect. Created the first time one fails; a later successful run of the migration deletes its row.
 */
export const PARTIAL_TABLE = "authdb_partial_migrations";
/** The migrator's own tables: never part of an application schema, never drift, never data a revert loses. */
export const BOOKKEEPING_TABLES: readonly string[] = [META_TABLE, CHECKSUM_TABLE, LOCK_TABLE, PARTIAL_TABLE];

/** BOOKKEEPING_TABLES plus the history table's configured name (`migrationStorageTableName`), for this instance. */
export function bookkeepingTables(sequelize: Sequelize): readonly string[] {
  const { tableName } = migrationHistoryOf(sequelize);
  return BOOKKEEPING_TABLES.includes(tableName) ? BOOKKEEPING_TABLES : [...BOOKKEEPING_TABLES, tableName];
}

/**
 * sequelize-cli with `migrationTimestamps: true` (umzug's SequelizeStorage with timestamps) adds these to
 * SequelizeMeta, NOT NULL and without a database default: its model fills them. So must our INSERT.
 */
const TIMESTAMP_COLUMNS = ["createdAt", "updatedAt"] as const;

export interface AppliedMigration {
  name: string;
  /** Missing for migrations applied by another tool (sequelize-cli) before authdb. */
  checksum?: string;
  /** From authdb's record, else from SequelizeMeta's createdAt when sequelize-cli keeps timestamps. */
  appliedAt?: Date;
}

/** A migration that failed after some of its statements took effect (it ran without a transaction). */
export interface PartialMigration {
  name: string;
  direction: "up" | "down";
  failedAt?: Date;
  /** The statements that took effect, in order (reads are not listed). */
  tookEffect: string[];
  /** The statement that failed; null when the migration's own code threw (or stalled, or lost the lock). */
  failedStatement: string | null;
  error: string;
}

/** The history tables' names as SQL, qualified with the schema they live in (PostgreSQL). */
interface Names {
  /** The schema of the history tables (null: SQLite, or no schema on the search_path). */
  schema: string | null;
  metaTable: string;
  meta: string;
  checksums: string;
  partial: string;
}

/**
 * Reads and writes the record of applied migrations: SequelizeMeta (or its configured name and schema,
 * src/migrator/historyOptions.ts) and, beside it, authdb_migrations. Without a configured history schema
 * both live in the configured schema or current_schema() (src/database/catalog.ts). Queries join the
 * caller's CLS transaction, if any. A missing privilege on either table is a PermissionDeniedError, never
 * "nothing applied" or "no checksum".
 */
export class MetaStore {
  private names?: Promise<Names>;
  private timestamps?: Promise<string[]>;

  constructor(private readonly sequelize: Sequelize) {}

  private q(name: string): string {
    return quoteIdentifier(this.sequelize, name);
  }

  private resolve(): Promise<Names> {
    this.names ??= (async () => {
      const history = migrationHistoryOf(this.sequelize);
      const schema = history.schema ?? (await resolveSchema(this.sequelize));
      return {
        schema,
        metaTable: history.tableName,
        meta: qualifiedName(this.sequelize, history.tableName, schema),
        checksums: qualifiedName(this.sequelize, CHECKSUM_TABLE, schema),
        partial: qualifiedName(this.sequelize, PARTIAL_TABLE, schema),
      };
    })();
    return this.names;
  }

  /** The SequelizeMeta table's qualified name, for messages. */
  async metaTableName(): Promise<string> {
    return (await this.resolve()).meta;
  }

  /** Runs a statement on one of the tables; a permission failure names the table and the right. */
  private async on<T>(table: "meta" | "checksums" | "partial", rights: string[], statement: (name: string) => Promise<T>): Promise<T> {
    const name = (await this.resolve())[table];
    return withTableRight(this.sequelize, name, rights, () => statement(name));
  }

  /**
   * Creates the configured schemas and the two tables, each only if missing (so a role with DML rights
   * alone can run a migrate that has nothing to create). Call under the migration lock: concurrent
   * CREATEs race on PostgreSQL.
   */
  async ensureTables(): Promise<void> {
    const schema = await requireSchema(this.sequelize);
    if (schema && schema === configuredSchema(this.sequelize)) {
      await this.sequelize.query(`CREATE SCHEMA IF NOT EXISTS ${this.q(schema)}`);
    }
    const names = await this.resolve();
    // sequelize-cli creates its migrationStorageTableSchema too.
    if (names.schema && names.schema !== schema) await this.sequelize.query(`CREATE SCHEMA IF NOT EXISTS ${this.q(names.schema)}`);
    // Required here: only a run that may create tables needs Sequelize's data types.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DataTypes } = require("sequelize") as typeof import("sequelize");
    const qi = this.sequelize.getQueryInterface();
    const target = (tableName: string) => (names.schema ? { tableName, schema: names.schema } : tableName);
    if (!(await this.tableExists(names.metaTable))) {
      await qi.createTable(target(names.metaTable), {
        name: { type: DataTypes.STRING(255), allowNull: false, unique: true, primaryKey: true },
      });
    }
    if (!(await this.tableExists(CHECKSUM_TABLE))) {
      await qi.createTable(target(CHECKSUM_TABLE), {
        name: { type: DataTypes.STRING(255), allowNull: false, primaryKey: true },
        checksum: { type: DataTypes.STRING(64), allowNull: false },
        applied_at: { type: DataTypes.DATE(3), allowNull: false },
        duration_ms: { type: DataTypes.INTEGER, allowNull: false },
      });
    }
  }

  /** Whether `table` exists where the history lives. */
  async tableExists(table: string): Promise<boolean> {
    return tableExists(this.sequelize, table, (await this.resolve()).schema);
  }

  /** SequelizeMeta's timestamp columns, as the live table has them (sequelize-cli may have added them since). */
  private timestampColumns(): Promise<string[]> {
    this.timestamps ??= (async () => {
      const { schema, metaTable } = await this.resolve();
      const columns = await columnsOf(this.sequelize, metaTable, schema);
      return TIMESTAMP_COLUMNS.filter((column) => columns.includes(column));
    })();
    return this.timestamps;
  }

  /** Applied migrations in name order; an absent SequelizeMeta means none (nothing is created here). */
  async listApplied(): Promise<AppliedMigration[]> {
    const { metaTable } = await this.resolve();
    if (!(await this.tableExists(metaTable))) return [];
    const createdAt = (await this.timestampColumns()).includes("createdAt") ? `, ${this.q("createdAt")} AS created_at` : "";
    const names = await this.on("meta", ["SELECT"], (meta) =>
      this.sequelize.query<{ name: string; created_at?: unknown }>(`SELECT ${this.q("name")}${createdAt} FROM ${meta}`, { type: QueryTypes.SELECT }),
    );
    const sums = (await this.tableExists(CHECKSUM_TABLE))
      ? await this.on("checksums", ["SELECT"], (checksums) =>
          this.sequelize.query<{ name: string; checksum: string; applied_at: unknown }>(
            `SELECT ${this.q("name")}, ${this.q("checksum")}, ${this.q("applied_at")} FROM ${checksums}`,
            { type: QueryTypes.SELECT },
          ),
        )
      : [];
    const byName = new Map(sums.map((row) => [row.name, row]));
    return names
      .map(({ name, created_at }) => ({
        name,
        checksum: byName.get(name)?.checksum,
        appliedAt: fromDatabaseDate(byName.get(name)?.applied_at) ?? fromDatabaseDate(created_at) ?? undefined,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async recordApplied(name: string, checksum: string, durationMs: number): Promise<void> {
    const now = toDatabaseDate(dialectOf(this.sequelize), new Date());
    const timestamps = await this.timestampColumns();
    const columns = ["name", ...timestamps].map((column) => this.q(column)).join(", ");
    const values = ["$1", ...timestamps.map((_, i) => `$${i + 2}`)].join(", ");
    await this.on("meta", ["INSERT"], (meta) =>
      this.sequelize.query(`INSERT INTO ${meta} (${columns}) VALUES (${values})`, { bind: [name, ...timestamps.map(() => now)] }),
    );
    await this.on("checksums", ["DELETE", "SELECT"], (checksums) => this.sequelize.query(`DELETE FROM ${checksums} WHERE ${this.q("name")} = $1`, { bind: [name] }));
    await this.on("checksums", ["INSERT"], (checksums) =>
      this.sequelize.query(
        `INSERT INTO ${checksums} (${this.q("name")}, ${this.q("checksum")}, ${this.q("applied_at")}, ${this.q("duration_ms")}) VALUES ($1, $2, $3, $4)`,
        { bind: [name, checksum, now, Math.round(durationMs)] },
      ),
    );
  }

  /** Replaces the recorded checksum of an applied migration (`authdb repair`); the time it was applied stays. */
  async recordChecksum(name: string, checksum: string): Promise<void> {
    await this.on("checksums", ["UPDATE", "SELECT"], (checksums) =>
      this.sequelize.query(`UPDATE ${checksums} SET ${this.q("checksum")} = $1 WHERE ${this.q("name")} = $2`, { bind: [checksum, name] }),
    );
  }

  /** The migrations recorded as failed partway; none while the table does not exist (nothing created here). */
  async listPartial(): Promise<PartialMigration[]> {
    if (!(await this.tableExists(PARTIAL_TABLE))) return [];
    const q = (column: string) => this.q(column);
    const rows = await this.on("partial", ["SELECT"], (partial) =>
      this.sequelize.query<{ name: string; direction: string; failed_at: unknown; took_effect: string; failed_statement: string | null; error: string }>(
        `SELECT ${q("name")}, ${q("direction")}, ${q("failed_at")}, ${q("took_effect")}, ${q("failed_statement")}, ${q("error")} FROM ${partial}`,
        { type: QueryTypes.SELECT },
      ),
    );
    return rows
      .map((row) => ({
        name: row.name,
        direction: row.direction === "down" ? ("down" as const) : ("up" as const),
        failedAt: fromDatabaseDate(row.failed_at) ?? undefined,
        tookEffect: parseStatements(row.took_effect),
        failedStatement: row.failed_statement ?? null,
        error: row.error,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Records (or replaces) a migration's partial failure, creating the table the first time. Written on
   * its own, outside any transaction, under the migration lock.
   */
  async recordPartial(record: Omit<PartialMigration, "failedAt">): Promise<void> {
    const names = await this.resolve();
    if (!(await this.tableExists(PARTIAL_TABLE))) {
      // Required here: only a failed run needs Sequelize's data types.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { DataTypes } = require("sequelize") as typeof import("sequelize");
      // MySQL's TEXT holds 64 KiB; a list of CREATE TABLE statements may not fit.
      const text = isMysqlFamily(dialectOf(this.sequelize)) ? DataTypes.TEXT("long") : DataTypes.TEXT;
      await this.sequelize.getQueryInterface().createTable(names.schema ? { tableName: PARTIAL_TABLE, schema: names.schema } : PARTIAL_TABLE, {
        name: { type: DataTypes.STRING(255), allowNull: false, primaryKey: true },
        direction: { type: DataTypes.STRING(4), allowNull: false },
        failed_at: { type: DataTypes.DATE(3), allowNull: false },
        took_effect: { type: text, allowNull: false },
        failed_statement: { type: text, allowNull: true },
        error: { type: text, allowNull: false },
      });
    }
    const q = (column: string) => this.q(column);
    await this.clearPartial(record.name);
    await this.on("partial", ["INSERT"], (partial) =>
      this.sequelize.query(
        `INSERT INTO ${partial} (${q("name")}, ${q("direction")}, ${q("failed_at")}, ${q("took_effect")}, ${q("failed_statement")}, ${q("error")}) VALUES ($1, $2, $3, $4, $5, $6)`,
        { bind: [record.name, record.direction, toDatabaseDate(dialectOf(this.sequelize), new Date()), JSON.stringify(record.tookEffect), record.failedStatement, record.error] },
      ),
    );
  }

  /** Forgets a migration's partial failure (it has since run to the end). */
  async clearPartial(name: string): Promise<void> {
    await this.on("partial", ["DELETE", "SELECT"], (partial) => this.sequelize.query(`DELETE FROM ${partial} WHERE ${this.q("name")} = $1`, { bind: [name] }));
  }

  async recordReverted(name: string): Promise<void> {
    await this.on("meta", ["DELETE", "SELECT"], (meta) => this.sequelize.query(`DELETE FROM ${meta} WHERE ${this.q("name")} = $1`, { bind: [name] }));
    await this.on("checksums", ["DELETE", "SELECT"], (checksums) => this.sequelize.query(`DELETE FROM ${checksums} WHERE ${this.q("name")} = $1`, { bind: [name] }));
  }
}

function parseStatements(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.map(String) : [String(text)];
  } catch {
    return [String(text)];
  }
}

/** The column names of a table, from the catalog (PostgreSQL's pg_attribute sees them whatever the rights). */
async function columnsOf(sequelize: Sequelize, table: string, schema: string | null): Promise<string[]> {
  const dialect = dialectOf(sequelize);
  const sql =
    dialect === "postgres"
      ? `SELECT a.attname AS name FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $2 AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped`
      : dialect === "sqlite"
        ? "SELECT name FROM pragma_table_info($1)"
        : "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = $1";
  const rows = await sequelize.query<{ name: string }>(sql, { bind: dialect === "postgres" ? [table, schema] : [table], type: QueryTypes.SELECT });
  return rows.map((row) => row.name);
}
