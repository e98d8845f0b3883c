import { createHash } from "node:crypto";
import type { Sequelize } from "sequelize";
import { dialectOf, isMysqlFamily, quoteIdentifier, type Dialect } from "../database";
import { qualifiedName } from "../database/catalog";
import { columnByAttribute, type ColumnSpec, type Schema, type TableSpec } from "../schema";

/**
 * One SQL statement and the columns of its bind parameters, in `$1…$n` order. The values come from an
 * object keyed by Auth.js attribute name, so a statement is built once and bound many times.
 */
export interface Statement {
  sql: string;
  bind: ColumnSpec[];
  /** `authdb_<hash of sql>`: the name PostgreSQL prepares it under, the same for the same SQL in every process. */
  name: string;
}

/** The key each method finds a row by: what Auth.js passes to the get/update/delete methods. */
export const ROW_KEYS = {
  User: ["id"],
  Account: ["provider", "providerAccountId"],
  Session: ["sessionToken"],
  VerificationToken: ["identifier", "token"],
  Authenticator: ["credentialID"],
} as const;

/**
 * Builds the adapter's SQL from the Schema: every table and column name comes from it, quoted for the
 * dialect. Each statement is built on first use and cached (by table, shape and attribute list), so the
 * hot paths only bind parameters. Statements start with a comment naming the method, which shows in
 * query logs and keeps Sequelize's SQLite driver from treating `INSERT … RETURNING` as a row-less insert.
 */
const TEXT_READ_TYPES = new Set<ColumnSpec["type"]>(["DATE", "DATEONLY", "JSON", "DECIMAL"]);

export class SqlStatements {
  readonly dialect: Dialect;
  private readonly cache = new Map<string, Statement>();

  /** The configured PostgreSQL schema the tables are in; without one, names stay unqualified as the migrations wrote them. */
  readonly namespace?: string;

  constructor(
    private readonly sequelize: Sequelize,
    readonly schema: Schema,
    namespace?: string,
  ) {
    this.dialect = dialectOf(sequelize);
    // The app's instance may have any search_path, so a configured schema is written into the SQL. SQLite has none.
    this.namespace = this.dialect === "postgres" ? namespace : undefined;
  }

  private q(name: string): string {
    return quoteIdentifier(this.sequelize, name);
  }

  /** The table as a FROM / INTO target: `"next_auth"."users"`, or `"users"`. Columns keep the bare table name as qualifier. */
  private relation(table: TableSpec): string {
    return qualifiedName(this.sequelize, table.table, this.namespace);
  }

  private column(table: TableSpec, attribute: string): ColumnSpec {
    const column = columnByAttribute(table, attribute);
    if (!column) throw new Error(`authdb adapter: ${table.model} has no attribute "${attribute}"`);
    return column;
  }

  private memo(key: string, build: () => Omit<Statement, "name">): Statement {
    let statement = this.cache.get(key);
    if (!statement) {
      const built = build();
      statement = { ...built, name: `authdb_${createHash("sha1").update(built.sql).digest("hex").slice(0, 20)}` };
      this.cache.set(key, statement);
    }
    return statement;
  }

  /** `"email_verified" AS "emailVerified", …`, optionally qualified by table and with an alias prefix for joins. */
  private selectList(table: TableSpec, options: { qualify?: boolean; prefix?: string } = {}): string {
    const owner = options.qualify ? `${this.q(table.table)}.` : "";
    return table.columns.map((c) => `${this.readColumn(c, `${owner}${this.q(c.column)}`)} AS ${this.q((options.prefix ?? "") + c.attribute)}`).join(", ");
  }

  /**
   * On MySQL and MariaDB some types are read as text, so the app's driver and its options cannot change
   * them. DATE: UTC as the adapter wrote it (toDatabaseDate), where the driver would read a DATETIME in the
   * app's Sequelize `timezone`. DATEONLY: a driver's own parser would make it a local Date. JSON: mysql2
   * parses a JSON column on some servers and not on others, so a stored JSON string could not be told
   * from the text of a document. DECIMAL: the mariadb connector returns a JavaScript number. FLOAT: as a
   * double, which the mariadb connector's text protocol would otherwise cut to 6 digits.
   */
  private readColumn(column: ColumnSpec, reference: string): string {
    if (!isMysqlFamily(this.dialect)) return reference;
    if (column.type === "FLOAT") return `CAST(${reference} AS DOUBLE)`;
    return TEXT_READ_TYPES.has(column.type) ? `CAST(${reference} AS CHAR)` : reference;
  }

  /** `"a" = $1 AND "b" = $2`, numbering from `first`. */
  private where(table: TableSpec, attributes: readonly string[], first: number, qualify = false): string {
    const owner = qualify ? `${this.q(table.table)}.` : "";
    return attributes.map((a, i) => this.equals(`${owner}${this.q(this.column(table, a).column)}`, this.column(table, a), `$${first + i}`)).join(" AND ");
  }

  /**
   * `column = $n`, byte-exact on every dialect. MySQL and MariaDB compare text by the column's collation,
   * which by default ignores case and trailing spaces: `getSessionAndUser(token.toUpperCase())` would find
   * the session. The binary comparison beside the indexed one keeps the index lookup (EXPLAIN: a const
   * read of the unique key) and makes the match exact, even on tables migrated before authdb set exact
   * collations or adopted from another adapter. UUID columns are CHAR(36) with a binary collation already.
   */
  private equals(column: string, spec: ColumnSpec, parameter: string): string {
    const exact = `${column} = ${parameter}`;
    if (!isMysqlFamily(this.dialect) || (spec.type !== "STRING" && spec.type !== "TEXT")) return exact;
    // Both sides as utf8mb4 bytes: a table created latin1 (an older database) would otherwise compare its
    // latin1 bytes with the parameter's UTF-8 ones, and "josé" would never be found again.
    return `${exact} AND CAST(CONVERT(${column} USING utf8mb4) AS BINARY) = CAST(CONVERT(${parameter} USING utf8mb4) AS BINARY)`;
  }

  private label(name: string): string {
    return `/* authdb:${name} */ `;
  }

  insert(table: TableSpec, attributes: string[], returning: boolean): Statement {
    return this.memo(`insert:${table.model}:${attributes.join(",")}:${returning}`, () => {
      const columns = attributes.map((a) => this.column(table, a));
      const names = columns.map((c) => this.q(c.column)).join(", ");
      const values = columns.map((_, i) => `$${i + 1}`).join(", ");
      const tail = returning ? ` RETURNING ${this.selectList(table)}` : "";
      return { sql: `${this.label(`insert ${table.model}`)}INSERT INTO ${this.relation(table)} (${names}) VALUES (${values})${tail}`, bind: columns };
    });
  }

  select(table: TableSpec, by: readonly string[], options: { forUpdate?: boolean } = {}): Statement {
    const lock = options.forUpdate && this.dialect !== "sqlite" ? " FOR UPDATE" : "";
    return this.memo(`select:${table.model}:${by.join(",")}:${lock}`, () => ({
      sql: `${this.label(`select ${table.model}`)}SELECT ${this.selectList(table)} FROM ${this.relation(table)} WHERE ${this.where(table, by, 1)}${lock}`,
      bind: by.map((a) => this.column(table, a)),
    }));
  }

  update(table: TableSpec, set: string[], by: readonly string[], returning: boolean): Statement {
    return this.memo(`update:${table.model}:${set.join(",")}:${by.join(",")}:${returning}`, () => {
      const assignments = set.map((a, i) => `${this.q(this.column(table, a).column)} = $${i + 1}`).join(", ");
      const tail = returning ? ` RETURNING ${this.selectList(table)}` : "";
      return {
        sql: `${this.label(`update ${table.model}`)}UPDATE ${this.relation(table)} SET ${assignments} WHERE ${this.where(table, by, set.length + 1)}${tail}`,
        bind: [...set, ...by].map((a) => this.column(table, a)),
      };
    });
  }

  delete(table: TableSpec, by: readonly string[], returning: boolean): Statement {
    return this.memo(`delete:${table.model}:${by.join(",")}:${returning}`, () => {
      const tail = returning ? ` RETURNING ${this.selectList(table)}` : "";
      return {
        sql: `${this.label(`delete ${table.model}`)}DELETE FROM ${this.relation(table)} WHERE ${this.where(table, by, 1)}${tail}`,
        bind: by.map((a) => this.column(table, a)),
      };
    });
  }

  /** getUserByAccount: the user joined through accounts, one statement. */
  userByAccount(): Statement {
    const { User, Account } = this.schema.tables;
    return this.memo("userByAccount", () => ({
      sql:
        `${this.label("getUserByAccount")}SELECT ${this.selectList(User, { qualify: true })} FROM ${this.relation(User)} ` +
        `INNER JOIN ${this.relation(Account)} ON ${this.joinOnUser(Account)} ` +
        `WHERE ${this.where(Account, ROW_KEYS.Account, 1, true)}`,
      bind: ROW_KEYS.Account.map((a) => this.column(Account, a)),
    }));
  }

  /** getSessionAndUser: the session joined with its user, one statement; columns aliased `session.x` / `user.x`. */
  sessionAndUser(): Statement {
    const { User, Session } = this.schema.tables;
    return this.memo("sessionAndUser", () => ({
      sql:
        `${this.label("getSessionAndUser")}SELECT ${this.selectList(Session, { qualify: true, prefix: "session." })}, ` +
        `${this.selectList(User, { qualify: true, prefix: "user." })} FROM ${this.relation(Session)} ` +
        `INNER JOIN ${this.relation(User)} ON ${this.joinOnUser(Session)} ` +
        `WHERE ${this.where(Session, ROW_KEYS.Session, 1, true)}`,
      bind: ROW_KEYS.Session.map((a) => this.column(Session, a)),
    }));
  }

  /** The rows of `table` that belong to a user (their authenticators), by the user reference. */
  byUser(table: TableSpec): Statement {
    return this.memo(`byUser:${table.model}`, () => ({
      sql: `${this.label(`select ${table.model} by user`)}SELECT ${this.selectList(table)} FROM ${this.relation(table)} WHERE ${this.where(table, ["userId"], 1)}`,
      bind: [this.column(table, "userId")],
    }));
  }

  /** `"accounts"."user_id" = "users"."id"`, from the column's foreign key in the Schema. */
  private joinOnUser(table: TableSpec): string {
    const { User } = this.schema.tables;
    const reference = this.column(table, "userId");
    const target = reference.references?.column ?? this.column(User, "id").column;
    return `${this.q(table.table)}.${this.q(reference.column)} = ${this.q(User.table)}.${this.q(target)}`;
  }
}
