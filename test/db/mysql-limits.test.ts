/**
 * Issue 11: the MySQL-family limits authdb refuses in config (src/schema/mysqlLimits.ts), checked against a
 * real MariaDB. authdb's own migration creates each table at the largest size it accepts, and the server
 * then refuses what authdb would have refused, observed with a separate client.
 */
import type { Sequelize } from "sequelize";
import { createSequelize } from "../../src/database";
import { migrate } from "../../src/migrator";
import { buildSchema } from "../../src/schema";
import { MYSQL_LIMITS, mysqlLimitProblem, recordBytesOf, rowBytesOf } from "../../src/schema/mysqlLimits";
import { createMariaDatabase, mysqlQuery, type TestDatabase } from "../helpers/databases";
import { checkedTable, paddedTo } from "../helpers/mysqlLimits";

const tableWith = checkedTable;

// ALGORITHM=COPY: MariaDB adds a column instantly without checking the in-page size (measured), as CREATE
// TABLE and a table rebuild do.
const tinyints = (prefix: string, count: number) =>
  `${Array.from({ length: count }, (_, i) => `ADD COLUMN ${prefix}${i} TINYINT(1) NOT NULL DEFAULT 0`).join(", ")}, ALGORITHM=COPY`;

// users at the 65,535-byte row limit; sessions at authdb's 8,125-byte in-page limit; verification_tokens
// at 1,017 columns; users also holds the longest unique STRING.
const USER = paddedTo("User", { handle: { type: "STRING", length: 768, unique: true }, bio: { type: "STRING", length: 15000, allowNull: false } }, rowBytesOf, MYSQL_LIMITS.rowBytes);
const SESSION = paddedTo(
  "Session",
  Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`code${i}`, { type: "STRING", length: 63, allowNull: false }])),
  recordBytesOf,
  MYSQL_LIMITS.recordBytes,
);
const VERIFICATION_TOKEN = Object.fromEntries(Array.from({ length: MYSQL_LIMITS.columns - 3 }, (_, i) => [`flag${i}`, "BOOLEAN"]));
const CONFIG = { extend: { User: USER, Session: SESSION, VerificationToken: VERIFICATION_TOKEN } } as never;

describe("MariaDB: the limits authdb enforces are the server's", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  beforeAll(async () => {
    db = await createMariaDatabase("c1_mysql_limits");
    sequelize = createSequelize(db.url);
    await migrate(sequelize, CONFIG);
  });
  afterAll(async () => {
    await sequelize?.close();
    await db?.drop();
  });

  const query = <T = Record<string, unknown>>(sql: string) => mysqlQuery<T>(db.url, sql);
  const indexType = async (table: string, index: string) =>
    (await query<{ INDEX_TYPE: string }>(`SELECT INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND INDEX_NAME = '${index}'`))[0]?.INDEX_TYPE;

  test("a unique STRING(768) is a real B-tree key; 769 characters, or TEXT, would have been a HASH key", async () => {
    expect(await indexType("users", "users_handle_unique")).toBe("BTREE");
    expect(() => tableWith("User", { handle: { type: "STRING", length: 769, unique: true } })).toThrow(/ERROR 1071/);
    await query("ALTER TABLE accounts ADD COLUMN longer VARCHAR(769) NULL, ADD UNIQUE KEY accounts_longer_unique (longer)");
    expect(await indexType("accounts", "accounts_longer_unique")).toBe("HASH");
    await query("ALTER TABLE accounts ADD COLUMN note TEXT NULL, ADD UNIQUE KEY accounts_note_unique (note)");
    expect(await indexType("accounts", "accounts_note_unique")).toBe("HASH");
  });

  test("users at exactly 65,535 bytes is created; one byte more is ERROR 1118", async () => {
    expect(rowBytesOf(tableWith("User", USER))).toBe(65535);
    expect(() => tableWith("User", { ...USER, oneMore: { type: "BOOLEAN", allowNull: false } })).toThrow(/extend\.User gives users rows of 65,536 bytes/);
    await expect(query(`ALTER TABLE users ${tinyints("one_more", 1)}`)).rejects.toMatchObject({ errno: 1118, message: expect.stringMatching(/Row size too large\. The maximum row size .* is 65535/) });
  });

  test("sessions at authdb's 8,125 bytes is created; MariaDB counts 20 bytes less for its one off-page column (session_token), and not a byte more", async () => {
    expect(recordBytesOf(tableWith("Session", SESSION))).toBe(8125);
    expect(() => tableWith("Session", { ...SESSION, oneMore: { type: "BOOLEAN", allowNull: false } })).toThrow(/extend\.Session gives sessions rows of up to 8,126 bytes/);
    await expect(query(`ALTER TABLE sessions ${tinyints("fill", 21)}`)).rejects.toMatchObject({ errno: 1118, message: expect.stringMatching(/Row size too large \(> 8126\)/) });
    await query(`ALTER TABLE sessions ${tinyints("fill", 20)}`);
  });

  test("verification_tokens with 1,017 columns is created; one more is too many for InnoDB", async () => {
    const [{ n }] = await query<{ n: number }>("SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'verification_tokens'");
    expect(Number(n)).toBe(1017);
    await expect(query(`ALTER TABLE verification_tokens ${tinyints("one_more", 1)}`)).rejects.toThrow(/Too many columns/);
  });

  test("the server names a foreign key <table>_ibfk_1: a 56-character table fits, 57 is ERROR 1059 on MariaDB", async () => {
    const create = (name: string) => query(`CREATE TABLE \`${name}\` (user_id CHAR(36) BINARY NOT NULL, FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB`);
    const fits = "f".repeat(56);
    await create(fits);
    const keys = await query<{ CONSTRAINT_NAME: string }>(`SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${fits}' AND CONSTRAINT_TYPE = 'FOREIGN KEY'`);
    expect(keys.map((k) => k.CONSTRAINT_NAME)).toEqual([`${fits}_ibfk_1`]);
    await expect(create("g".repeat(57))).rejects.toMatchObject({ errno: 1059 });
    // authdb refuses it: the rule on its own, and in a config, where the index names (longer still) are refused first.
    expect(mysqlLimitProblem({ ...buildSchema().tables.Account, table: "g".repeat(57) })?.problem).toMatch(/ERROR 1059/);
    expect(() => buildSchema({ tables: { Account: "g".repeat(57) } })).toThrow(/^tables\.Account gives the index name/);
  });
});
