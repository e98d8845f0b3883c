/**
 * The JavaScript that an adoption migration carries below its `module.exports`. It is part of the file (not
 * a `require("authdb")`), so the file means the same thing forever, whatever authdb version later runs it,
 * and sequelize-cli can run it without authdb.
 *
 * `converge(queryInterface, LAYOUT, "up" | "down")` reads each Auth.js table from the live catalog and
 * changes only what differs from the wanted layout (LAYOUT.after for up, LAYOUT.before for down). That is
 * what makes one file right for every database: on the adopted database it converts the old layout; on a
 * teammate's fresh database, where the initial migration already created authdb's layout, it finds nothing
 * to do. It never deletes a row: a change that a row would not survive (a NULL in a column that becomes NOT
 * NULL, two rows under a new unique key, a value too long for a narrower type, a row in a table to drop)
 * stops the migration with the rows named instead.
 *
 * Indexes and keys it does not own are left alone: an index is dropped only when the other direction of the
 * file creates it (it is in the other layout and not in the wanted one), so an index added by a built-in
 * migration or by hand survives both directions, and on SQLite the rebuild re-creates it.
 *
 * The MySQL/MariaDB reader and steps are in convergeMysqlRuntime.ts, appended to this text.
 */
import { CONVERGE_MYSQL_RUNTIME } from "./convergeMysqlRuntime";

export const CONVERGE_RUNTIME = String.raw`
// ---- authdb baseline: converge the Auth.js tables to a layout (written by authdb; do not edit) ----

const SELECT = { type: "SELECT" };

/** The tables as the catalog of the running database holds them, in the shape LAYOUT uses. */
function catalogOf(queryInterface) {
  const sequelize = queryInterface.sequelize;
  // MariaDB is MySQL here: the same catalog, the same SQL (an app may name either dialect).
  const dialect = sequelize.getDialect() === "mariadb" ? "mysql" : sequelize.getDialect();
  const q = (name) => queryInterface.quoteIdentifier(name);
  const select = (sql, bind = []) => sequelize.query(sql, { ...SELECT, bind });
  const run = (sql) => sequelize.query(sql);

  /** format_type() spelling → the short one LAYOUT uses: character varying(255) → varchar(255). */
  function postgresType(formatted) {
    const type = formatted.trim().toLowerCase().replace(/\s+/g, " ").replace(/\s*\(\s*/g, "(").replace(/\s*,\s*/g, ",").replace(/\s*\)/g, ")");
    const timestamp = /^(timestamp|time)(\(\d+\))? (with|without) time zone$/.exec(type);
    if (timestamp) return timestamp[1] + (timestamp[3] === "with" ? "tz" : "") + (timestamp[2] || "");
    return type.replace(/^character varying/, "varchar").replace(/^character\b/, "char").replace(/^double precision$/, "double");
  }
  const sqliteType = (declared) => declared.trim().toLowerCase().replace(/\s+/g, " ").replace(/\s*\(\s*/g, "(").replace(/\s*,\s*/g, ",").replace(/\s*\)/g, ")");
  const ACTIONS = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };
  const action = (value) => (!value ? "NO ACTION" : ACTIONS[value] || value.trim().toUpperCase().replace(/\s+/g, " "));

  async function readPostgres(table) {
    const columns = await select(
      "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS dflt " +
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace " +
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum " +
        "WHERE n.nspname = current_schema() AND c.relname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      [table],
    );
    if (!columns.length) return null;
    const indexes = await select(
      "SELECT i.relname AS name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary, con.conname AS constraint_name, " +
        "array(SELECT coalesce(a.attname::text, pg_get_indexdef(ix.indexrelid, k.ord, true)) FROM generate_series(1, ix.indnkeyatts::int) AS k(ord) " +
        "LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.ord - 1] ORDER BY k.ord)::text[] AS columns " +
        "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace " +
        "LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = t.oid AND con.contype IN ('p', 'u') " +
        "WHERE n.nspname = current_schema() AND t.relname = $1 ORDER BY i.relname",
      [table],
    );
    const foreignKeys = await select(
      "SELECT con.conname AS name, rt.relname AS referenced_table, con.confdeltype AS on_delete, con.confupdtype AS on_update, " +
        "array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns, " +
        "array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS referenced_columns " +
        "FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class rt ON rt.oid = con.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace " +
        "WHERE con.contype = 'f' AND n.nspname = current_schema() AND t.relname = $1 ORDER BY con.conname",
      [table],
    );
    const primary = indexes.find((index) => index.is_primary);
    return {
      columns: columns.map((c) => ({ name: c.name, type: postgresType(c.type), nullable: !c.not_null, default: c.dflt })),
      primaryKey: primary ? { name: primary.constraint_name || primary.name, columns: [...primary.columns].sort() } : { columns: [] },
      indexes: indexes.filter((index) => !index.is_primary).map((index) => ({ name: index.name, columns: index.columns, unique: index.is_unique, constraint: index.constraint_name || undefined })),
      foreignKeys: foreignKeys.map((key) => ({ name: key.name, columns: key.columns, table: key.referenced_table, referencedColumns: key.referenced_columns, onDelete: action(key.on_delete), onUpdate: action(key.on_update) })),
    };
  }

  async function readSqlite(table) {
    const columns = await select("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid", [table]);
    if (!columns.length) return null;
    const indexes = [];
    for (const index of await select("SELECT name, \"unique\", origin FROM pragma_index_list($1)", [table])) {
      if (index.origin === "pk") continue;
      const info = await select("SELECT name FROM pragma_index_info($1) ORDER BY seqno", [index.name]);
      const [definition] = await select("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1", [index.name]);
      indexes.push({ name: index.name, columns: info.map((c) => c.name), unique: Boolean(index.unique), inline: index.origin === "u", sql: definition ? definition.sql : null });
    }
    const byId = new Map();
    for (const row of await select("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq", [table])) {
      byId.set(row.id, [...(byId.get(row.id) || []), row]);
    }
    const foreignKeys = [...byId.values()].map((parts) => ({
      columns: parts.map((p) => p.from),
      table: parts[0].table,
      referencedColumns: parts.map((p) => p.to || "id"),
      onDelete: action(parts[0].on_delete),
      onUpdate: action(parts[0].on_update),
    }));
    return {
      columns: columns.map((c) => ({ name: c.name, type: sqliteType(c.type), declared: c.type, nullable: Number(c.notnull) === 0, default: c.dflt_value })),
      primaryKey: { columns: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name).sort() },
      indexes,
      foreignKeys,
    };
  }

  let mariadb;
  const server = {
    async isMariadb() {
      if (mariadb === undefined) mariadb = /mariadb/i.test(mysqlText((await select("SELECT VERSION() AS version"))[0].version));
      return mariadb;
    },
  };
  const escape = (value) => sequelize.escape(value);
  const readers = { postgres: readPostgres, sqlite: readSqlite, mysql: (table) => readMysqlTable(select, escape, table, server) };
  return { dialect, q, select, run, escape, read: readers[dialect] };
}

const sameList = (a, b) => a.length === b.length && a.every((value, i) => value === b[i]);
const sameSet = (a, b) => sameList([...a].sort(), [...b].sort());
const findColumn = (table, name) => table.columns.find((c) => c.name === name);
const sameKey = (a, b) => sameList(a.columns, b.columns) && Boolean(a.unique) === Boolean(b.unique);
const sameForeignKey = (a, b) =>
  sameList(a.columns, b.columns) && a.table === b.table && sameList(a.referencedColumns, b.referencedColumns) && a.onDelete === b.onDelete && a.onUpdate === b.onUpdate;
const isNowDefault = (value) => typeof value === "string" && /current_timestamp|now\(\)/i.test(value);
/** PostgreSQL spells a few types in LAYOUT's short form that SQL does not accept as written. */
const postgresSql = (type) => (type === "double" ? "double precision" : type);

/** The wanted table's keys and indexes, with unique set (LAYOUT keeps them in two lists, as authdb check does). */
function keysOf(table) {
  return [...table.uniques.map((k) => ({ ...k, unique: true })), ...table.indexes.map((k) => ({ ...k, unique: false }))];
}

/** Stops the migration with the rows that would not survive a change, before the change is tried. */
async function assertRowsFit(db, table, change) {
  const t = db.q(table);
  const sample = async (sql) => (await db.select(sql)).map((row) => Object.values(row).map((v) => (v === null ? "NULL" : String(v))).join(", "));
  const stop = (count, what, rows, fix) => {
    throw new Error(table + ": " + count + " row" + (count === 1 ? "" : "s") + " " + what + (rows.length ? " (" + rows.join("; ") + (count > rows.length ? "; …" : "") + ")" : "") + ". " + fix + " authdb never deletes rows to make a change fit.");
  };
  const count = async (where) => Number((await db.select("SELECT COUNT(*) AS n FROM " + t + " WHERE " + where))[0].n);
  if (change.kind === "not-null") {
    const n = await count(db.q(change.column) + " IS NULL");
    if (n) stop(n, "have no " + change.column + ", which becomes NOT NULL", [], "Fill it in or delete those rows yourself, then migrate again.");
  } else if (change.kind === "unique") {
    const columns = change.columns.map(db.q).join(", ");
    const groups = await db.select("SELECT " + columns + ", COUNT(*) AS copies FROM " + t + " GROUP BY " + columns + " HAVING COUNT(*) > 1 LIMIT 10");
    if (groups.length) {
      const rows = groups.map((g) => "(" + change.columns.map((c) => String(g[c])).join(", ") + ") ×" + g.copies);
      stop(groups.length, "share a value of (" + change.columns.join(", ") + "), which becomes unique", rows, "Merge or delete the duplicates yourself, then migrate again.");
    }
  } else if (change.kind === "narrow") {
    const c = db.q(change.column);
    const length = /^varchar\((\d+)\)$/.exec(change.type);
    // Characters, as varchar(n) counts them: MySQL's LENGTH() counts bytes.
    const chars = db.dialect === "mysql" ? "CHAR_LENGTH(" : "LENGTH(";
    const integer = change.type === "integer" || change.type === "int";
    const where = length ? chars + c + ") > " + Number(length[1]) : integer ? c + " NOT BETWEEN -2147483648 AND 2147483647" : null;
    if (!where) return;
    const n = await count(where);
    if (n) stop(n, "hold a value of " + change.column + " that does not fit " + change.type, [], "Shorten those values yourself, or keep this migration applied.");
  } else if (change.kind === "references") {
    const key = change.key;
    const where = key.columns.map((c) => db.q(c) + " IS NOT NULL").join(" AND ") + " AND NOT EXISTS (SELECT 1 FROM " + db.q(key.table) + " r WHERE " +
      key.columns.map((c, i) => "r." + db.q(key.referencedColumns[i]) + " = " + t + "." + db.q(c)).join(" AND ") + ")";
    const n = await count(where);
    if (n) stop(n, "point at no row of " + key.table + " through (" + key.columns.join(", ") + ")", [], "Delete those rows or point them at existing rows yourself, then migrate again.");
  } else if (change.kind === "empty") {
    const n = Number((await db.select("SELECT COUNT(*) AS n FROM " + t))[0].n);
    if (n) stop(n, "exist, and this step drops the table", [], "Move the rows elsewhere and empty the table yourself, or keep this migration applied.");
  }
}

/** Whether from → to could lose a value: the change then checks the rows first. */
function narrows(from, to) {
  const size = (type) => { const m = /^varchar\((\d+)\)$/.exec(type); return m ? Number(m[1]) : type === "text" ? Infinity : null; };
  if (size(to) !== null && size(from) !== null) return size(to) < size(from);
  return (to === "integer" || to === "int") && from === "bigint";
}

/** ALTER TABLE, step by step: PostgreSQL changes columns, keys and indexes in place. */
async function convergePostgres(db, name, want, other, renames) {
  const t = db.q(name);
  for (const [from, to] of Object.entries(renames)) {
    const live = await db.read(name);
    if (findColumn(live, from) && !findColumn(live, to)) await db.run("ALTER TABLE " + t + " RENAME COLUMN " + db.q(from) + " TO " + db.q(to));
  }
  let live = await db.read(name);
  for (const column of want.columns) {
    const have = findColumn(live, column.name);
    if (!have) throw new Error(name + "." + column.name + " does not exist, and this migration does not create columns; run authdb check to see how the table differs");
    const type = column.type.postgres;
    if (type && have.type !== type) {
      if (narrows(have.type, type)) await assertRowsFit(db, name, { kind: "narrow", column: column.name, type });
      // Every change adoption makes has an assignment cast, so no USING: varchar → text then rewrites nothing.
      await db.run("ALTER TABLE " + t + " ALTER COLUMN " + db.q(column.name) + " TYPE " + postgresSql(type));
    }
    if (have.nullable && !column.nullable) {
      await assertRowsFit(db, name, { kind: "not-null", column: column.name });
      await db.run("ALTER TABLE " + t + " ALTER COLUMN " + db.q(column.name) + " SET NOT NULL");
    } else if (!have.nullable && column.nullable && !live.primaryKey.columns.includes(column.name)) {
      await db.run("ALTER TABLE " + t + " ALTER COLUMN " + db.q(column.name) + " DROP NOT NULL");
    }
    if (column.defaultNow === true && !have.default) await db.run("ALTER TABLE " + t + " ALTER COLUMN " + db.q(column.name) + " SET DEFAULT CURRENT_TIMESTAMP");
    if (column.defaultNow === false && isNowDefault(have.default)) await db.run("ALTER TABLE " + t + " ALTER COLUMN " + db.q(column.name) + " DROP DEFAULT");
  }
  if (!sameSet(live.primaryKey.columns, want.primaryKey)) {
    await assertRowsFit(db, name, { kind: "unique", columns: want.primaryKey });
    if (live.primaryKey.name) await db.run("ALTER TABLE " + t + " DROP CONSTRAINT " + db.q(live.primaryKey.name));
    if (want.primaryKey.length) await db.run("ALTER TABLE " + t + " ADD CONSTRAINT " + db.q(name + "_pkey") + " PRIMARY KEY (" + want.primaryKey.map(db.q).join(", ") + ")");
  }
  live = await db.read(name);
  for (const key of other.foreignKeys || []) {
    const have = live.foreignKeys.find((k) => sameForeignKey(k, key));
    if (have && !want.foreignKeys.some((k) => sameForeignKey(k, key))) await db.run("ALTER TABLE " + t + " DROP CONSTRAINT " + db.q(have.name));
  }
  for (const key of want.foreignKeys) {
    if (live.foreignKeys.some((k) => sameForeignKey(k, key))) continue;
    await assertRowsFit(db, name, { kind: "references", key });
    await db.run(
      "ALTER TABLE " + t + " ADD CONSTRAINT " + db.q(name + "_" + key.columns.join("_") + "_fkey") + " FOREIGN KEY (" + key.columns.map(db.q).join(", ") + ") REFERENCES " +
        db.q(key.table) + " (" + key.referencedColumns.map(db.q).join(", ") + ") ON DELETE " + key.onDelete + " ON UPDATE " + key.onUpdate,
    );
  }
  const dropIndex = (index) => db.run(index.constraint ? "ALTER TABLE " + t + " DROP CONSTRAINT " + db.q(index.constraint) : "DROP INDEX " + db.q(index.name));
  for (const key of keysOf(other)) {
    const have = live.indexes.find((index) => index.name === key.name && sameKey(index, key));
    if (have && !keysOf(want).some((k) => sameKey(k, key))) await dropIndex(have);
  }
  live = await db.read(name);
  for (const key of keysOf(want)) {
    const have = live.indexes.find((index) => sameKey(index, key));
    if (have && have.name === key.name) continue;
    if (have) {
      await db.run("ALTER INDEX " + db.q(have.name) + " RENAME TO " + db.q(key.name));
      continue;
    }
    if (key.unique) await assertRowsFit(db, name, { kind: "unique", columns: key.columns });
    await db.run("CREATE " + (key.unique ? "UNIQUE " : "") + "INDEX " + db.q(key.name) + " ON " + t + " (" + key.columns.map(db.q).join(", ") + ")");
  }
}

/**
 * SQLite cannot alter a column or a key in place, so a table that differs is rebuilt the way SQLite's own
 * docs prescribe (https://www.sqlite.org/lang_altertable.html#otheralter): a new table as wanted, the rows
 * copied, the old table dropped, the new one renamed, its indexes re-created. With foreign keys on, the DROP
 * would cascade into accounts and sessions, so this refuses to drop anything while they are on.
 */
async function convergeSqlite(db, name, want, other, renames, state) {
  const t = db.q(name);
  const live = await db.read(name);
  const sourceOf = (column) => {
    if (findColumn(live, column)) return column;
    const from = Object.keys(renames).find((old) => renames[old] === column && findColumn(live, old));
    return from;
  };
  const wantedKeys = keysOf(want);
  const inlineWanted = want.uniques.filter((k) => k.name.startsWith("sqlite_autoindex_"));
  const inlineLive = live.indexes.filter((index) => index.inline);
  let rebuild = !sameSet(inlineWanted.map((k) => k.columns.join(",")), inlineLive.map((k) => k.columns.join(",")));
  const copied = [];
  for (const column of want.columns) {
    const source = sourceOf(column.name);
    if (!source) throw new Error(name + "." + column.name + " does not exist, and this migration does not create columns; run authdb check to see how the table differs");
    const have = findColumn(live, source);
    if (source !== column.name || have.type !== column.type.sqlite || have.nullable !== column.nullable) rebuild = true;
    if (column.defaultNow === true && !isNowDefault(have.default)) rebuild = true;
    if (column.defaultNow === false && isNowDefault(have.default)) rebuild = true;
    copied.push({ column, source, have });
  }
  if (!sameSet(live.primaryKey.columns, want.primaryKey)) rebuild = true;
  if (!want.foreignKeys.every((key) => live.foreignKeys.some((k) => sameForeignKey(k, key)))) rebuild = true;
  const ownedByOther = (index) => keysOf(other).some((k) => k.name === index.name) && !wantedKeys.some((k) => sameKey(k, index));
  if (live.foreignKeys.some((k) => (other.foreignKeys || []).some((o) => sameForeignKey(o, k)) && !want.foreignKeys.some((w) => sameForeignKey(w, k)))) rebuild = true;

  if (!rebuild) {
    for (const index of live.indexes) if (!index.inline && ownedByOther(index)) await db.run("DROP INDEX " + db.q(index.name));
    for (const key of wantedKeys) {
      if (key.name.startsWith("sqlite_autoindex_")) continue;
      const current = (await db.read(name)).indexes;
      if (current.some((index) => index.name === key.name && sameKey(index, key))) continue;
      const renamed = current.find((index) => !index.inline && sameKey(index, key));
      if (renamed) await db.run("DROP INDEX " + db.q(renamed.name));
      if (key.unique) await assertRowsFit(db, name, { kind: "unique", columns: key.columns });
      await db.run("CREATE " + (key.unique ? "UNIQUE " : "") + "INDEX " + db.q(key.name) + " ON " + t + " (" + key.columns.map(db.q).join(", ") + ")");
    }
    return;
  }

  // Columns the layout does not know (the app's own) travel along as they are declared.
  const sources = new Set(copied.map((c) => c.source));
  const extra = live.columns.filter((c) => !sources.has(c.name) && !findColumn(want, c.name));
  for (const { column, source } of copied) {
    if (!column.nullable && findColumn(live, source).nullable) await assertRowsFit(db, name, { kind: "not-null", column: source });
  }
  for (const key of [...want.uniques, { columns: want.primaryKey }]) {
    if (!key.columns.length) continue;
    const columns = key.columns.map((c) => copied.find((x) => x.column.name === c)?.source || c);
    await assertRowsFit(db, name, { kind: "unique", columns });
  }
  for (const key of want.foreignKeys) {
    if (live.foreignKeys.some((k) => sameForeignKey(k, key))) continue;
    const columns = key.columns.map((c) => copied.find((x) => x.column.name === c)?.source || c);
    await assertRowsFit(db, name, { kind: "references", key: { ...key, columns } });
  }
  await state.foreignKeysOff();

  const definitions = copied.map(({ column, have }) => {
    let sql = db.q(column.name) + " " + column.type.sqlite.toUpperCase() + (column.nullable ? "" : " NOT NULL");
    if (column.defaultNow === true) sql += " DEFAULT CURRENT_TIMESTAMP";
    else if (column.defaultNow !== false && have.default !== null && have.default !== undefined) sql += " DEFAULT " + have.default;
    return sql;
  });
  for (const column of extra) definitions.push(db.q(column.name) + (column.declared ? " " + column.declared : "") + (column.nullable ? "" : " NOT NULL") + (column.default !== null && column.default !== undefined ? " DEFAULT " + column.default : ""));
  if (want.primaryKey.length) definitions.push("PRIMARY KEY (" + want.primaryKey.map(db.q).join(", ") + ")");
  for (const key of inlineWanted) definitions.push("UNIQUE (" + key.columns.map(db.q).join(", ") + ")");
  const extraNames = new Set(extra.map((c) => c.name));
  const keptKeys = live.foreignKeys.filter((k) => k.columns.every((c) => extraNames.has(c)));
  for (const key of [...want.foreignKeys, ...keptKeys]) {
    definitions.push("FOREIGN KEY (" + key.columns.map(db.q).join(", ") + ") REFERENCES " + db.q(key.table) + " (" + key.referencedColumns.map(db.q).join(", ") + ") ON DELETE " + key.onDelete + " ON UPDATE " + key.onUpdate);
  }
  const temporary = name + "_authdb_rebuild";
  // Explicit indexes nobody here owns (a built-in migration's, the app's own) are re-created after the swap.
  const kept = live.indexes.filter((index) => !index.inline && index.sql && !ownedByOther(index) && !wantedKeys.some((k) => k.name === index.name || sameKey(k, index)));
  await db.run("CREATE TABLE " + db.q(temporary) + " (" + definitions.join(", ") + ")");
  const targets = [...copied.map((c) => c.column.name), ...extra.map((c) => c.name)].map(db.q).join(", ");
  const values = [...copied.map((c) => c.source), ...extra.map((c) => c.name)].map(db.q).join(", ");
  await db.run("INSERT INTO " + db.q(temporary) + " (" + targets + ") SELECT " + values + " FROM " + t);
  await db.run("DROP TABLE " + t);
  await db.run("ALTER TABLE " + db.q(temporary) + " RENAME TO " + t);
  for (const key of wantedKeys) {
    if (key.name.startsWith("sqlite_autoindex_")) continue;
    await db.run("CREATE " + (key.unique ? "UNIQUE " : "") + "INDEX " + db.q(key.name) + " ON " + t + " (" + key.columns.map(db.q).join(", ") + ")");
  }
  for (const index of kept) await db.run(index.sql);
}

/**
 * Brings every table of LAYOUT to LAYOUT.after (up) or LAYOUT.before (down). create[table] makes a table the
 * wanted layout has and the database lacks, exactly as the initial migration would.
 */
async function converge(queryInterface, Sequelize, LAYOUT, direction, create) {
  const db = catalogOf(queryInterface);
  const up = direction === "up";
  // Down restores the adopted database's old layout; a database of another dialect was never that database.
  if (!up && db.dialect !== LAYOUT.dialect) return;
  if (!db.read) throw new Error("this migration converts PostgreSQL, SQLite and MySQL/MariaDB databases; " + db.dialect + " is not supported");
  const want = up ? LAYOUT.after : LAYOUT.before;
  const other = up ? LAYOUT.before : LAYOUT.after;
  const state = {
    restore: null,
    /** SQLite: DROP TABLE with foreign keys on deletes the rows that reference the table. */
    async foreignKeysOff() {
      if (db.dialect !== "sqlite" || this.restore) return;
      const on = async () => Number((await db.select("PRAGMA foreign_keys"))[0].foreign_keys) === 1;
      if (!(await on())) return (this.restore = async () => undefined);
      await db.run("PRAGMA foreign_keys = OFF");
      if (await on()) {
        throw new Error("rebuilding a SQLite table needs foreign keys off, and they cannot be switched off inside a transaction: run this migration with npx authdb migrate, which switches them off around its transaction");
      }
      this.restore = async () => {
        const violations = await db.select("PRAGMA foreign_key_check");
        await db.run("PRAGMA foreign_keys = ON");
        if (violations.length) throw new Error("the rebuilt tables have " + violations.length + " row(s) whose foreign key points at no row");
      };
    },
  };
  const order = up ? LAYOUT.order : [...LAYOUT.order].reverse();
  const renamesFor = (table) => {
    const map = LAYOUT.renames[table] || {};
    return up ? map : Object.fromEntries(Object.entries(map).map(([from, to]) => [to, from]));
  };
  /** One pass over the tables. A preview (MySQL/MariaDB) reads and looks at the rows, and changes nothing. */
  async function walk(db, preview) {
    for (const name of order) {
      const wanted = want.tables[name];
      const live = await db.read(name);
      if (!wanted) {
        if (live && other.tables[name]) {
          await assertRowsFit(db, name, { kind: "empty" });
          if (preview) continue;
          await state.foreignKeysOff();
          await queryInterface.dropTable(name);
        }
        continue;
      }
      if (!live) {
        if (!create[name]) throw new Error("table " + name + " does not exist, and this migration cannot create it");
        if (!preview) await create[name](queryInterface, Sequelize);
        continue;
      }
      const others = other.tables[name] || { columns: [], primaryKey: [], uniques: [], indexes: [], foreignKeys: [] };
      if (db.dialect === "postgres") await convergePostgres(db, name, wanted, others, renamesFor(name));
      else if (db.dialect === "mysql") await convergeMysql(db, name, wanted, others, renamesFor(name));
      else await convergeSqlite(db, name, wanted, others, renamesFor(name), state);
    }
  }
  // MySQL and MariaDB commit each ALTER TABLE at once, so a refusal halfway would leave some tables converted:
  // first every table is looked at (the rows each step needs, in a pass whose statements are not sent), so a
  // row that stops the migration stops it before anything changed. Each step still looks again before it
  // runs: rows change in between.
  if (db.dialect === "mysql") await walk({ ...db, run: async () => undefined }, true);
  await walk(db, false);
  if (state.restore) await state.restore();
}
` + CONVERGE_MYSQL_RUNTIME;
