import { DataTypes, QueryTypes, type Sequelize } from "sequelize";
import { dialectOf, fromDatabaseDate, quoteIdentifier, toDatabaseDate } from "../database";
import { configuredSchema, qualifiedName, requireSchema, resolveSchema, tableExists } from "../database/catalog";
import { withTableRight } from "../database/permissions";
import { LOCK_TABLE } from "./lock/sqliteLock";

/** sequelize-cli's table, kept exactly as it expects it: one `name` column. */
export const META_TABLE = "SequelizeMeta";
/** authdb's sidecar: a checksum and the time of each migration it applied. */
export const CHECKSUM_TABLE = "authdb_migrations";
/** The migrator's own tables: never part of an application schema, never drift, never data a revert loses. */
export const BOOKKEEPING_TABLES: readonly string[] = [META_TABLE, CHECKSUM_TABLE, LOCK_TABLE];

export interface AppliedMigration {
  name: string;
  /** Missing for migrations applied by another tool (sequelize-cli) before authdb. */
  checksum?: string;
  appliedAt?: Date;
}

/** The two tables' names as SQL, qualified with the schema they live in (PostgreSQL). */
interface Names {
  schema: string | null;
  meta: string;
  checksums: string;
}

/**
 * Reads and writes the record of applied migrations, in the configured schema or current_schema()
 * (src/database/catalog.ts). Queries join the caller's CLS transaction, if any. A missing privilege on
 * either table is a PermissionDeniedError, never "nothing applied" or "no checksum".
 */
export class MetaStore {
  private names?: Promise<Names>;

  constructor(private readonly sequelize: Sequelize) {}

  private q(name: string): string {
    return quoteIdentifier(this.sequelize, name);
  }

  private resolve(): Promise<Names> {
    this.names ??= resolveSchema(this.sequelize).then((schema) => ({
      schema,
      meta: qualifiedName(this.sequelize, META_TABLE, schema),
      checksums: qualifiedName(this.sequelize, CHECKSUM_TABLE, schema),
    }));
    return this.names;
  }

  /** Runs a statement on one of the tables; a permission failure names the table and the right. */
  private async on<T>(table: "meta" | "checksums", rights: string[], statement: (name: string) => Promise<T>): Promise<T> {
    const name = (await this.resolve())[table];
    return withTableRight(this.sequelize, name, rights, () => statement(name));
  }

  /**
   * Creates the configured schema and the two tables, each only if missing (so a role with DML rights
   * alone can run a migrate that has nothing to create). Call under the migration lock: concurrent
   * CREATEs race on PostgreSQL.
   */
  async ensureTables(): Promise<void> {
    const schema = await requireSchema(this.sequelize);
    const qi = this.sequelize.getQueryInterface();
    if (schema && schema === configuredSchema(this.sequelize)) {
      await this.sequelize.query(`CREATE SCHEMA IF NOT EXISTS ${this.q(schema)}`);
    }
    const target = (tableName: string) => (schema ? { tableName, schema } : tableName);
    if (!(await this.tableExists(META_TABLE))) {
      await qi.createTable(target(META_TABLE), {
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

  async tableExists(table: string): Promise<boolean> {
    return tableExists(this.sequelize, table, (await this.resolve()).schema);
  }

  /** Applied migrations in name order; an absent SequelizeMeta means none (nothing is created here). */
  async listApplied(): Promise<AppliedMigration[]> {
    if (!(await this.tableExists(META_TABLE))) return [];
    const names = await this.on("meta", ["SELECT"], (meta) =>
      this.sequelize.query<{ name: string }>(`SELECT ${this.q("name")} FROM ${meta}`, { type: QueryTypes.SELECT }),
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
      .map(({ name }) => ({ name, checksum: byName.get(name)?.checksum, appliedAt: fromDatabaseDate(byName.get(name)?.applied_at) ?? undefined }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async recordApplied(name: string, checksum: string, durationMs: number): Promise<void> {
    await this.on("meta", ["INSERT"], (meta) => this.sequelize.query(`INSERT INTO ${meta} (${this.q("name")}) VALUES ($1)`, { bind: [name] }));
    await this.on("checksums", ["DELETE", "SELECT"], (checksums) => this.sequelize.query(`DELETE FROM ${checksums} WHERE ${this.q("name")} = $1`, { bind: [name] }));
    await this.on("checksums", ["INSERT"], (checksums) =>
      this.sequelize.query(
        `INSERT INTO ${checksums} (${this.q("name")}, ${this.q("checksum")}, ${this.q("applied_at")}, ${this.q("duration_ms")}) VALUES ($1, $2, $3, $4)`,
        { bind: [name, checksum, toDatabaseDate(dialectOf(this.sequelize), new Date()), Math.round(durationMs)] },
      ),
    );
  }

  async recordReverted(name: string): Promise<void> {
    await this.on("meta", ["DELETE", "SELECT"], (meta) => this.sequelize.query(`DELETE FROM ${meta} WHERE ${this.q("name")} = $1`, { bind: [name] }));
    await this.on("checksums", ["DELETE", "SELECT"], (checksums) => this.sequelize.query(`DELETE FROM ${checksums} WHERE ${this.q("name")} = $1`, { bind: [name] }));
  }
}
