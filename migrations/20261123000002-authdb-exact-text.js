'use strict';

/**
 * authdb: on MySQL and MariaDB, text compares byte-exactly (case and trailing spaces count), as on PostgreSQL and SQLite, where it changes nothing.
 *
 * Written by `authdb init`, as plain sequelize-cli style CommonJS (`npx sequelize-cli db:migrate` runs it too).
 * `authdb migrate` runs it inside one transaction.
 * Once it is applied anywhere, do not edit it (authdb records its checksum): change the config and run
 * `authdb generate` again instead.
 *
 * @type {import('authdb').Migration}
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await exactText(queryInterface, ["users", "accounts", "sessions", "verification_tokens", "authenticators"]);
  },

  async down(queryInterface, Sequelize) {
    await defaultText(queryInterface, ["authenticators", "verification_tokens", "sessions", "accounts", "users"]);
  },
};

// ---- MySQL/MariaDB: the collation text compares by (PostgreSQL and SQLite compare exactly already) ----

/** Every text column of these tables compares byte-exactly: keys too, so 'Ada' and 'ada ' are different rows. */
async function exactText(queryInterface, tables) {
  const server = await textServer(queryInterface);
  if (!server) return;
  const collation = await exactCollation(server.select);
  for (const table of tables) await alterTextCollation(server, await planTextCollation(server, table, collation));
}

/**
 * Back to the database's default utf8mb4 collation (down). Every table is checked before the first is
 * changed: rows that differ only in case or trailing spaces would then share a unique key.
 */
async function defaultText(queryInterface, tables) {
  const server = await textServer(queryInterface);
  if (!server) return;
  const collation = await defaultCollation(server.select);
  const plans = [];
  for (const table of tables) plans.push(await planTextCollation(server, table, collation));
  for (const plan of plans) await assertKeysStayUnique(server, plan);
  for (const plan of plans) await alterTextCollation(server, plan);
}

/** information_schema text can come back as a Buffer; told by its methods (no Node types in this file). */
const sqlText = (value) => (value === null || value === undefined ? null : typeof value === "object" && typeof value.readUInt8 === "function" ? value.toString("utf8") : String(value));

/** The MySQL or MariaDB server the migration runs on; null on PostgreSQL and SQLite, whose text compares exactly. */
async function textServer(queryInterface) {
  const dialect = queryInterface.sequelize.getDialect();
  if (dialect !== "mysql" && dialect !== "mariadb") return null;
  const select = (sql, bind) => queryInterface.sequelize.query(sql, { type: "SELECT", bind });
  const [version] = await select("SELECT VERSION() AS version");
  return {
    select,
    run: (sql) => queryInterface.sequelize.query(sql),
    q: (identifier) => queryInterface.quoteIdentifier(identifier),
    escape: (value) => queryInterface.sequelize.escape(value),
    mariadb: /mariadb/i.test(sqlText(version.version) || ""),
  };
}

/** The clauses of the one ALTER TABLE that gives table's text columns, and its default, this collation. */
async function planTextCollation(server, table, collation) {
  const [about] = await server.select("SELECT TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = $1", [table]);
  // No such table, no text to convert. A dry run gets here: it previews the CREATE TABLE without running it.
  // (A table missing after a real run is for authdb check to report.)
  if (!about) return { table, collation, changed: [], clauses: [] };
  const columns = await server.select(
    "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra, COLLATION_NAME AS collation, COLUMN_COMMENT AS comment " +
      "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = $1 AND COLLATION_NAME IS NOT NULL ORDER BY ORDINAL_POSITION",
    [table],
  );
  const { kept, checks } = await readColumnConstraints(server, table);
  const changed = [];
  const clauses = [];
  for (const column of columns) {
    const name = sqlText(column.name);
    if (kept.has(name) || sqlText(column.collation) === collation) continue;
    const extra = sqlText(column.extra) || "";
    if (/\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(extra)) continue;
    let definition = server.q(name) + " " + sqlText(column.type) + " CHARACTER SET utf8mb4 COLLATE " + collation + (sqlText(column.nullable) === "YES" ? " NULL" : " NOT NULL");
    const dflt = defaultSql(sqlText(column.dflt), extra, server.mariadb, server.escape);
    if (dflt !== null) definition += " DEFAULT " + dflt;
    if (sqlText(column.comment)) definition += " COMMENT " + server.escape(sqlText(column.comment));
    // MODIFY replaces the whole definition: what else the column had is written again, or it is lost.
    if (/\bINVISIBLE\b/i.test(extra)) definition += " INVISIBLE";
    for (const clause of checks.get(name) || []) definition += " CHECK (" + clause + ")";
    changed.push(name);
    clauses.push("MODIFY " + definition);
  }
  if (sqlText(about.collation) !== collation) clauses.push("DEFAULT CHARACTER SET utf8mb4 COLLATE " + collation);
  return { table, collation, changed, clauses };
}

async function alterTextCollation(server, plan) {
  if (plan.clauses.length) await server.run("ALTER TABLE " + server.q(plan.table) + " " + plan.clauses.join(", "));
}

/** Refuses, naming the key, when two rows of a unique key would be equal under the plan's collation. */
async function assertKeysStayUnique(server, plan) {
  if (!plan.changed.length) return;
  const parts = await server.select(
    "SELECT INDEX_NAME AS name, COLUMN_NAME AS column_name, SUB_PART AS sub_part FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = $1 AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX",
    [plan.table],
  );
  const keys = new Map();
  for (const row of parts) {
    const name = sqlText(row.name);
    if (!keys.has(name)) keys.set(name, []);
    keys.get(name).push({ column: sqlText(row.column_name), prefix: row.sub_part === null ? null : Number(row.sub_part) });
  }
  for (const [key, parts] of keys) {
    // A key on an expression (MySQL 8) cannot be restated here: the server's own check at the ALTER decides.
    if (parts.some((part) => part.column === null) || !parts.some((part) => plan.changed.includes(part.column))) continue;
    const compared = parts.map(({ column, prefix }) => {
      const value = prefix === null ? server.q(column) : "LEFT(" + server.q(column) + ", " + prefix + ")";
      return plan.changed.includes(column) ? "CONVERT(" + value + " USING utf8mb4) COLLATE " + plan.collation : value;
    });
    // A row with a NULL in the key never clashes: a unique key holds any number of them.
    const present = parts.map(({ column }) => server.q(column) + " IS NOT NULL").join(" AND ");
    const columns = parts.map(({ column }) => column);
    const [clash] = await server.select("SELECT COUNT(*) AS n FROM " + server.q(plan.table) + " WHERE " + present + " GROUP BY " + compared.join(", ") + " HAVING COUNT(*) > 1 LIMIT 1");
    if (clash) {
      throw new Error(
        Number(clash.n) + " rows of " + plan.table + " would share the unique key " + key + " (" + columns.join(", ") + ") under " + plan.collation +
          ", which ignores case and trailing spaces; nothing was changed. Keep this migration applied, or merge or delete those rows first",
      );
    }
  }
}

/**
 * kept: the columns whose collation stays. A foreign key holds or points at them, and MySQL refuses to change
 * either side alone (ERROR 1833); they are CHAR(36) UUIDs with a binary collation already. Or they are
 * MariaDB's JSON (longtext with a json_valid CHECK). checks: MariaDB's column-level CHECK clauses, part of
 * the column's definition there, so a MODIFY must repeat them (MySQL keeps every CHECK at table level).
 */
async function readColumnConstraints(server, table) {
  const kept = new Set();
  const checks = new Map();
  const keyed = await server.select(
    "SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = $1 AND REFERENCED_TABLE_NAME IS NOT NULL " +
      "UNION SELECT REFERENCED_COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME = $1",
    [table],
  );
  for (const row of keyed) kept.add(sqlText(row.name));
  if (server.mariadb) {
    const rows = await server.select("SELECT CONSTRAINT_NAME AS name, LEVEL AS level, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = $1", [table]);
    for (const row of rows) {
      const clause = (sqlText(row.clause) || "").trim();
      // \x60 is a backquote (this text is itself a template literal).
      const json = /^json_valid\(\x60((?:[^\x60]|\x60\x60)+)\x60\)$/i.exec(clause);
      if (json) kept.add(json[1].replace(/\x60\x60/g, "\x60"));
      else if (sqlText(row.level) === "Column") checks.set(sqlText(row.name), [...(checks.get(sqlText(row.name)) || []), clause]);
    }
  }
  return { kept, checks };
}

/** The server's NO PAD binary utf8mb4 collation, proven exact before it is used. */
async function exactCollation(select) {
  const names = (await select("SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')")).map((row) => sqlText(row.name));
  const name = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin"].find((candidate) => names.includes(candidate));
  if (!name) throw new Error("this server has no NO PAD binary utf8mb4 collation, which exact text comparison needs; authdb supports MariaDB 10.6 and later and MySQL 8.0.17 and later");
  const [probe] = await select(
    "SELECT (CONVERT('a' USING utf8mb4) COLLATE " + name + ") = (CONVERT('a ' USING utf8mb4) COLLATE " + name + ") AS padded, " +
      "(CONVERT('a' USING utf8mb4) COLLATE " + name + ") = (CONVERT('A' USING utf8mb4) COLLATE " + name + ") AS folded",
  );
  if (Number(probe.padded) || Number(probe.folded)) throw new Error("the collation " + name + " on this server ignores case or trailing spaces, so it cannot make text compare exactly");
  return name;
}

/** The database's default collation when it is utf8mb4, else the server's default utf8mb4 one (never a narrower character set). */
async function defaultCollation(select) {
  const [schema] = await select("SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()");
  let name = schema && sqlText(schema.charset) === "utf8mb4" ? sqlText(schema.collation) : null;
  if (!name) {
    const [fallback] = await select("SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE CHARACTER_SET_NAME = 'utf8mb4' AND IS_DEFAULT = 'Yes'");
    name = sqlText(fallback.name);
  }
  // Written into the ALTER TABLE: only a plain name is.
  if (!/^[A-Za-z0-9_]+$/.test(name || "")) throw new Error("the collation " + JSON.stringify(name) + " cannot be written into an ALTER TABLE");
  return name;
}

/**
 * COLUMN_DEFAULT as SQL to write back, or null for none. MariaDB spells it as SQL already ('text', and the
 * text NULL for none); MySQL gives a literal unquoted, and an expression marked DEFAULT_GENERATED.
 */
function defaultSql(value, extra, mariadb, escape) {
  if (value === null || (mariadb && value === "NULL")) return null;
  if (mariadb) return value;
  // MySQL keeps an expression's quotes escaped there: _utf8mb4\'x\' is _utf8mb4'x'.
  if (/DEFAULT_GENERATED/i.test(extra)) return "(" + value.replace(/\\(['\\])/g, "$1") + ")";
  return escape(value);
}

