/**
 * The MySQL/MariaDB part of the code an adoption migration carries (see convergeRuntime.ts, which appends
 * it): reading a table from information_schema, and converging it in place.
 *
 * MySQL and MariaDB commit every DDL statement at once, so a migration that fails halfway stays half done
 * and is run again from the start. Every step therefore reads the live table first and changes only what
 * still differs: a rerun skips what the failed run finished. The steps are few and each is one statement:
 * every column change and the primary key of a table in one ALTER TABLE (InnoDB copies the table once, and
 * the statement takes effect whole or not at all), then each key and index.
 */
export const CONVERGE_MYSQL_RUNTIME = String.raw`
// ---- MySQL/MariaDB: read from information_schema, converge with ALTER TABLE ----

/**
 * information_schema text can come back as a Buffer (binary collations on some servers). Told by its
 * methods, not the Buffer global: the file is type-checked as plain JavaScript, without Node's types.
 */
const mysqlText = (value) => (value === null || value === undefined ? null : typeof value === "object" && typeof value.readUInt8 === "function" ? value.toString("utf8") : String(value));

/** COLUMN_TYPE → LAYOUT's spelling: int(11) → int, bigint(20) → bigint (display widths store nothing); tinyint(1) stays. */
function mysqlType(columnType) {
  const type = columnType.trim().toLowerCase().replace(/\s+/g, " ").replace(/\s*\(\s*/g, "(").replace(/\s*,\s*/g, ",").replace(/\s*\)/g, ")");
  if (/^tinyint\(1\)/.test(type)) return type;
  return type.replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, (_, name) => (name === "integer" ? "int" : name));
}

/** Character sets and collations are written back into DDL: only plain names are. */
function mysqlName(value, what) {
  if (!/^[A-Za-z0-9_]+$/.test(value)) throw new Error("the " + what + " " + JSON.stringify(value) + " cannot be written into an ALTER TABLE");
  return value;
}

/**
 * COLUMN_DEFAULT as SQL to write back (null: no default; "now": CURRENT_TIMESTAMP, written with the column's
 * digits). MariaDB spells it as SQL already ('text', 0, current_timestamp(3); the text NULL for none); MySQL
 * gives a literal unquoted, and an expression marked DEFAULT_GENERATED.
 */
function mysqlDefaultSql(value, extra, mariadb, escape) {
  if (value === null || (mariadb && value === "NULL")) return null;
  if (/^current_timestamp(\(\d?\))?$/i.test(value)) return "now";
  if (mariadb) return value;
  // MySQL keeps an expression's quotes escaped there: _utf8mb4\'x\' is _utf8mb4'x'.
  if (/DEFAULT_GENERATED/i.test(extra || "")) return "(" + value.replace(/\\(['\\])/g, "$1") + ")";
  return escape(value);
}

async function readMysqlTable(select, escape, table, server) {
  const columns = await select(
    "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra, " +
      "CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation, COLUMN_COMMENT AS comment " +
      "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = $1 ORDER BY ORDINAL_POSITION",
    [table],
  );
  if (!columns.length) return null;
  const mariadb = await server.isMariadb();
  // MariaDB's JSON is longtext with CHECK (json_valid(column)): read back as json, as authdb check does.
  const json = new Set();
  if (mariadb && columns.some((c) => mysqlType(mysqlText(c.type)) === "longtext")) {
    for (const row of await select("SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = $1", [table])) {
      // \x60 is a backquote (this text is itself a template literal).
      const column = /^json_valid\(\x60((?:[^\x60]|\x60\x60)+)\x60\)$/i.exec(mysqlText(row.clause).trim());
      if (column) json.add(column[1].replace(/\x60\x60/g, "\x60"));
    }
  }
  const statistics = await select(
    "SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name, SUB_PART AS sub_part " +
      "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = $1 ORDER BY INDEX_NAME, SEQ_IN_INDEX",
    [table],
  );
  const keys = new Map();
  for (const row of statistics) {
    const name = mysqlText(row.name);
    if (!keys.has(name)) keys.set(name, { name, unique: Number(row.non_unique) === 0, columns: [] });
    const column = row.column_name === null ? "(expression)" : mysqlText(row.column_name);
    keys.get(name).columns.push(row.sub_part === null ? column : column + "(" + Number(row.sub_part) + ")");
  }
  const primary = keys.get("PRIMARY");
  keys.delete("PRIMARY");
  const parts = await select(
    "SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name, k.REFERENCED_COLUMN_NAME AS referenced_column, " +
      "CASE WHEN k.REFERENCED_TABLE_SCHEMA = k.TABLE_SCHEMA THEN k.REFERENCED_TABLE_NAME ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) END AS referenced_table, " +
      "r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update FROM information_schema.KEY_COLUMN_USAGE k " +
      "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME " +
      "WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = $1 AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    [table],
  );
  const foreignKeys = new Map();
  for (const row of parts) {
    const name = mysqlText(row.name);
    if (!foreignKeys.has(name)) {
      foreignKeys.set(name, { name, columns: [], table: mysqlText(row.referenced_table), referencedColumns: [], onDelete: mysqlAction(row.on_delete), onUpdate: mysqlAction(row.on_update) });
    }
    foreignKeys.get(name).columns.push(mysqlText(row.column_name));
    foreignKeys.get(name).referencedColumns.push(mysqlText(row.referenced_column));
  }
  return {
    columns: columns.map((c) => {
      const name = mysqlText(c.name);
      const raw = mysqlText(c.type);
      const type = json.has(name) && mysqlType(raw) === "longtext" ? "json" : mysqlType(raw);
      const extra = mysqlText(c.extra) || "";
      const defaultSql = mysqlDefaultSql(mysqlText(c.dflt), extra, mariadb, escape);
      return {
        name,
        type,
        rawType: raw,
        nullable: mysqlText(c.is_nullable) === "YES",
        default: defaultSql === null ? null : mysqlText(c.dflt),
        defaultSql,
        onUpdateNow: /on update current_timestamp/i.test(extra),
        autoIncrement: /auto_increment/i.test(extra),
        generated: /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(extra),
        charset: mysqlText(c.charset),
        collation: mysqlText(c.collation),
        comment: mysqlText(c.comment) || "",
      };
    }),
    primaryKey: primary ? { name: "PRIMARY", columns: [...primary.columns].sort() } : { columns: [] },
    indexes: [...keys.values()],
    foreignKeys: [...foreignKeys.values()],
  };
}

const mysqlAction = (value) => (!value ? "NO ACTION" : mysqlText(value).trim().toUpperCase().replace(/\s+/g, " "));

/** The fractional-second digits of a DATETIME/TIMESTAMP type, as CURRENT_TIMESTAMP must repeat them: "(3)" or "". */
const mysqlDigits = (type) => {
  const digits = /^(?:datetime|timestamp)\((\d)\)/i.exec(type);
  return digits ? "(" + digits[1] + ")" : "";
};
const MYSQL_STRING_TYPE = /^(char|varchar|tinytext|text|mediumtext|longtext|enum|set)\b/i;

/**
 * A column's whole definition for CHANGE COLUMN. MySQL replaces the definition, so everything the change
 * keeps is written again: the character set and collation (a CHAR(36) BINARY id that a foreign key
 * references must stay binary), the default, ON UPDATE, AUTO_INCREMENT, the comment.
 */
function mysqlDefinition(db, have, target) {
  let sql = db.q(target.name) + " " + target.type;
  if (MYSQL_STRING_TYPE.test(target.type) && have.charset && have.collation) {
    sql += " CHARACTER SET " + mysqlName(have.charset, "character set") + " COLLATE " + mysqlName(have.collation, "collation");
  }
  sql += target.nullable ? " NULL" : " NOT NULL";
  if (target.defaultSql === "now") sql += " DEFAULT CURRENT_TIMESTAMP" + mysqlDigits(target.type);
  else if (target.defaultSql !== null) sql += " DEFAULT " + target.defaultSql;
  if (have.onUpdateNow) sql += " ON UPDATE CURRENT_TIMESTAMP" + mysqlDigits(target.type);
  if (have.autoIncrement) sql += " AUTO_INCREMENT";
  if (have.comment) sql += " COMMENT " + db.escape(have.comment);
  return sql;
}

/** ALTER TABLE, step by step, each step decided from the live table (a rerun after a failure continues). */
async function convergeMysql(db, name, want, other, renames) {
  const t = db.q(name);
  let live = await db.read(name);
  const sourceOf = (column) => (findColumn(live, column) ? column : Object.keys(renames).find((old) => renames[old] === column && findColumn(live, old)));

  // 1. Columns (renamed, widened, NOT NULL, timestamp default) and the primary key: one statement.
  const clauses = [];
  for (const column of want.columns) {
    const source = sourceOf(column.name);
    if (!source) throw new Error(name + "." + column.name + " does not exist, and this migration does not create columns; run authdb check to see how the table differs");
    const have = findColumn(live, source);
    const type = column.type.mysql && column.type.mysql !== have.type ? column.type.mysql : null;
    // A primary key column is NOT NULL on MySQL whatever is asked.
    const nullable = column.nullable && !want.primaryKey.includes(column.name);
    let defaultSql = have.defaultSql;
    if (column.defaultNow === true && have.defaultSql === null) defaultSql = "now";
    if (column.defaultNow === false && have.defaultSql === "now") defaultSql = null;
    if (source === column.name && !type && have.nullable === nullable && defaultSql === have.defaultSql) continue;
    if (have.generated) throw new Error(name + "." + source + " is a generated column, which this migration cannot change; run authdb check to see how the table differs");
    if (type && narrows(have.type, type)) await assertRowsFit(db, name, { kind: "narrow", column: source, type });
    if (have.nullable && !nullable) await assertRowsFit(db, name, { kind: "not-null", column: source });
    const sqlType = type ? type.toUpperCase() : have.type === "json" ? "JSON" : have.rawType;
    clauses.push("CHANGE COLUMN " + db.q(source) + " " + mysqlDefinition(db, have, { name: column.name, type: sqlType, nullable, defaultSql }));
  }
  const livePrimaryKey = live.primaryKey.columns.map((c) => renames[c] || c);
  if (!sameSet(livePrimaryKey, want.primaryKey)) {
    if (want.primaryKey.length) await assertRowsFit(db, name, { kind: "unique", columns: want.primaryKey.map((c) => sourceOf(c) || c) });
    if (live.primaryKey.columns.length) clauses.push("DROP PRIMARY KEY");
    if (want.primaryKey.length) clauses.push("ADD PRIMARY KEY (" + want.primaryKey.map(db.q).join(", ") + ")");
  }
  if (clauses.length) await db.run("ALTER TABLE " + t + " " + clauses.join(", "));

  // 2. Foreign keys and indexes the other direction of the file creates, and this one does not want.
  live = await db.read(name);
  for (const key of other.foreignKeys || []) {
    const have = live.foreignKeys.find((k) => sameForeignKey(k, key));
    if (have && !want.foreignKeys.some((k) => sameForeignKey(k, key))) await db.run("ALTER TABLE " + t + " DROP FOREIGN KEY " + db.q(have.name));
  }
  for (const key of keysOf(other)) {
    const have = live.indexes.find((index) => index.name === key.name && sameKey(index, key));
    if (have && !keysOf(want).some((k) => sameKey(k, key))) await db.run("DROP INDEX " + db.q(have.name) + " ON " + t);
  }

  // 3. The wanted keys and indexes: renamed when the columns are indexed under another name, else created.
  for (const key of keysOf(want)) {
    live = await db.read(name);
    if (live.indexes.some((index) => index.name === key.name && sameKey(index, key))) continue;
    const have = live.indexes.find((index) => sameKey(index, key) && !keysOf(want).some((k) => k.name === index.name));
    if (have) {
      await db.run("ALTER TABLE " + t + " RENAME INDEX " + db.q(have.name) + " TO " + db.q(key.name));
      continue;
    }
    // Named as they are now (a preview runs before the columns are renamed).
    if (key.unique) await assertRowsFit(db, name, { kind: "unique", columns: key.columns.map((c) => sourceOf(c) || c) });
    await db.run("CREATE " + (key.unique ? "UNIQUE " : "") + "INDEX " + db.q(key.name) + " ON " + t + " (" + key.columns.map(db.q).join(", ") + ")");
  }

  // 4. Wanted foreign keys, last: their columns are indexed by now, so the server makes no index of its own.
  live = await db.read(name);
  for (const key of want.foreignKeys) {
    if (live.foreignKeys.some((k) => sameForeignKey(k, key))) continue;
    await assertRowsFit(db, name, { kind: "references", key: { ...key, columns: key.columns.map((c) => sourceOf(c) || c) } });
    await db.run(
      "ALTER TABLE " + t + " ADD FOREIGN KEY (" + key.columns.map(db.q).join(", ") + ") REFERENCES " + db.q(key.table) + " (" + key.referencedColumns.map(db.q).join(", ") + ") ON DELETE " + key.onDelete + " ON UPDATE " + key.onUpdate,
    );
  }
}
`;
