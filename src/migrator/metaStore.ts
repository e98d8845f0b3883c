import { DataTypes, QueryTypes, type Sequelize } from "sequelize";
import { dialectOf, fromDatabaseDate, quoteIdentifier, toDatabaseDate } from "../database";

/** sequelize-cli's table, kept exactly as it expects it: one `name` column. */
export const META_TABLE = "SequelizeMeta";
/** authdb's sidecar: a checksum and the time of each migration it applied. */
export const CHECKSUM_TABLE = "authdb_migrations";

export interface AppliedMigration {
  name: string;
  /** Missing for migrations applied by another tool (sequelize-cli) before authdb. */
  checksum?: string;
  appliedAt?: Date;
}

/** Reads and writes the record of applied migrations. Queries join the caller's CLS transaction, if any. */
export class MetaStore {
  constructor(private readonly sequelize: Sequelize) {}

  private q(name: string): string {
    return quoteIdentifier(this.sequelize, name);
  }

  /** Creates the two tables if missing. Call under the migration lock: concurrent CREATEs race on PostgreSQL. */
  async ensureTables(): Promise<void> {
    const qi = this.sequelize.getQueryInterface();
    await qi.createTable(META_TABLE, {
      name: { type: DataTypes.STRING(255), allowNull: false, unique: true, primaryKey: true },
    });
    await qi.createTable(CHECKSUM_TABLE, {
      name: { type: DataTypes.STRING(255), allowNull: false, primaryKey: true },
      checksum: { type: DataTypes.STRING(64), allowNull: false },
      applied_at: { type: DataTypes.DATE(3), allowNull: false },
      duration_ms: { type: DataTypes.INTEGER, allowNull: false },
    });
  }

  async tableExists(table: string): Promise<boolean> {
    return this.sequelize.getQueryInterface().tableExists(table);
  }

  /** Applied migrations in name order; an absent SequelizeMeta means none (nothing is created here). */
  async listApplied(): Promise<AppliedMigration[]> {
    if (!(await this.tableExists(META_TABLE))) return [];
    const names = await this.sequelize.query<{ name: string }>(`SELECT ${this.q("name")} FROM ${this.q(META_TABLE)}`, {
      type: QueryTypes.SELECT,
    });
    const sums = (await this.tableExists(CHECKSUM_TABLE))
      ? await this.sequelize.query<{ name: string; checksum: string; applied_at: unknown }>(
          `SELECT ${this.q("name")}, ${this.q("checksum")}, ${this.q("applied_at")} FROM ${this.q(CHECKSUM_TABLE)}`,
          { type: QueryTypes.SELECT },
        )
      : [];
    const byName = new Map(sums.map((row) => [row.name, row]));
    return names
      .map(({ name }) => ({ name, checksum: byName.get(name)?.checksum, appliedAt: fromDatabaseDate(byName.get(name)?.applied_at) ?? undefined }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async recordApplied(name: string, checksum: string, durationMs: number): Promise<void> {
    await this.sequelize.query(`INSERT INTO ${this.q(META_TABLE)} (${this.q("name")}) VALUES ($1)`, { bind: [name] });
    await this.sequelize.query(`DELETE FROM ${this.q(CHECKSUM_TABLE)} WHERE ${this.q("name")} = $1`, { bind: [name] });
    await this.sequelize.query(
      `INSERT INTO ${this.q(CHECKSUM_TABLE)} (${this.q("name")}, ${this.q("checksum")}, ${this.q("applied_at")}, ${this.q("duration_ms")}) VALUES ($1, $2, $3, $4)`,
      { bind: [name, checksum, toDatabaseDate(dialectOf(this.sequelize), new Date()), Math.round(durationMs)] },
    );
  }

  async recordReverted(name: string): Promise<void> {
    await this.sequelize.query(`DELETE FROM ${this.q(META_TABLE)} WHERE ${this.q("name")} = $1`, { bind: [name] });
    await this.sequelize.query(`DELETE FROM ${this.q(CHECKSUM_TABLE)} WHERE ${this.q("name")} = $1`, { bind: [name] });
  }
}
