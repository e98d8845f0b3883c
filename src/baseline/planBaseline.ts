import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf } from "../database";
import { AuthdbError, ExitCode, InvalidInputError } from "../errors";
import { diffSchema, expectedSchema, introspectDatabase, type DatabaseSchema, type Difference } from "../introspect";
import { isExactCollation } from "../introspect/exactCollation";
import { findInitialMigration } from "../migrations/initialMigrationFile";
import { BUILTIN_MIGRATIONS, builtinMigrationName, renderMigrationSet, schemaAtLevel } from "../migrations/migrationSet";
import { migrationExtension } from "../migrations/moduleSystem";
import { builtinLevelInFolder, readFolderSnapshot } from "../migrations/projectSnapshot";
import { initialMigrationName, migrationFileName } from "../migrations/renderMigration";
import { describeChange, planSchemaChanges } from "../migrations/planSchemaChanges";
import { renderSnapshot, snapshotPath } from "../migrations/snapshot";
import { MetaStore, migrationChecksum, readMigrationDir } from "../migrator";
import { BUILTIN_LEVEL, tablesInOrder, type Schema, type SchemaOptions } from "../schema";
import { analyzeLayout, type LayoutAnalysis } from "./analyzeLayout";
import { LAYOUT_DIALECTS, layoutDialectOf } from "./layout";
import { renderAdoptionMigration } from "./renderAdoptionMigration";
import { findRowProblems, type RowProblem } from "./rowChecks";
import type { BaselineListener } from "./events";
import { docsFile } from "../docsLink";

/** What the adopted database was recognised as. */
export type LayoutKind = "authdb" | "sequelize-adapter";

export const LAYOUT_NAMES: Record<LayoutKind, string> = {
  authdb: "authdb's layout (created by authdb, without its history)",
  "sequelize-adapter": "an older Auth.js layout (that of @auth/sequelize-adapter's sync())",
};

/** A file baseline writes into the migrations folder (only if it is missing). */
export interface PlannedFile {
  file: string;
  content: string;
  /** Why it is written. */
  role: "initial" | "builtin" | "adoption" | "snapshot";
}

/** A migration recorded as applied without running it: its effects are in the database already. */
export interface PlannedRecord {
  name: string;
  checksum: string;
}

export interface BaselinePlan {
  layout: LayoutKind;
  analysis: LayoutAnalysis;
  record: PlannedRecord[];
  /** Built-in migrations whose effects are missing: the next migrate runs them. */
  pending: string[];
  write: PlannedFile[];
  /** The follow-up migration, when the layout needs one. */
  adoption?: PlannedFile;
  /** SequelizeMeta rows of migrations that are not in the folder (another tool's): left as they are. */
  foreignRows: string[];
}

/** Why baseline stops: the layout is not one it can convert, or rows would not survive the conversion. */
export class BaselineBlockedError extends AuthdbError {
  constructor(
    message: string,
    hint: string,
    readonly differences: Difference[] = [],
    readonly rowProblems: RowProblem[] = [],
  ) {
    super(message, ExitCode.drift, hint);
  }
}

const ADOPTION_NAME = "authdb adopt existing tables";

function schemaOptions(config: { tables?: SchemaOptions["tables"]; extend?: SchemaOptions["extend"] }): SchemaOptions {
  return { tables: config.tables, extend: config.extend };
}

/** Baseline is for a database with no history of this folder: anything else is for migrate, status or repair. */
async function assertNoHistory(sequelize: Sequelize, migrationsDir: string): Promise<string[]> {
  const applied = (await new MetaStore(sequelize).listApplied()).map((m) => m.name);
  const ours = new Set(readMigrationDir(migrationsDir).map((m) => m.name));
  for (const extension of [".js", ".cjs"] as const) {
    ours.add(initialMigrationName(extension));
    for (const builtin of BUILTIN_MIGRATIONS) ours.add(builtinMigrationName(builtin.slug, extension));
  }
  const conflicting = applied.filter((name) => ours.has(name) || /^\d{14}-authdb-/.test(name));
  if (conflicting.length) {
    throw new InvalidInputError(
      `this database already has migration history for ${migrationsDir}: ${conflicting.join(", ")} ${conflicting.length === 1 ? "is" : "are"} recorded as applied; baseline adopts a database with none`,
      "Run `npx authdb status` to see the history and `npx authdb migrate` to apply what is pending. If the tables were created by migrations in this folder (sequelize-cli), they are already tracked: keep using migrate. " + docsFile("adopting-an-existing-database.md") + " explains when baseline applies.",
    );
  }
  return applied;
}

/**
 * The folder's migrations are shared with every database: baseline records them as applied here, so they
 * must describe this config. A folder whose migrations hold another schema (init ran before `extend` grew)
 * would make the recorded history a lie.
 */
function assertFolderHoldsConfig(migrationsDir: string, options: SchemaOptions): number {
  const level = builtinLevelInFolder(migrationsDir);
  if (!findInitialMigration(migrationsDir)) return level;
  const held = readFolderSnapshot(migrationsDir, options);
  if (!held) return level;
  // Compared as generate compares them, not as text: a snapshot read back from the file lists each column's
  // keys in another order than the config's builder does. A later built-in level may be held too, by the
  // migration `authdb generate` wrote when authdb was upgraded (under its own name).
  for (let heldAt = BUILTIN_LEVEL; heldAt > level; heldAt--) {
    if (planSchemaChanges(held.schema, schemaAtLevel(options, heldAt)).changes.length === 0) return heldAt;
  }
  const changes = planSchemaChanges(held.schema, schemaAtLevel(options, level)).changes.map(describeChange);
  if (changes.length === 0) return level;
  throw new InvalidInputError(
    `the migrations in ${migrationsDir} hold a different schema than the config (${held.source === "file" ? snapshotPath(migrationsDir) : "its initial migration"} differs from what the config gives: ${changes.slice(0, 3).join("; ")}${changes.length > 3 ? `; and ${changes.length - 3} more` : ""})`,
    "baseline records the folder's initial migration as applied, so it must create exactly the config's tables. Make the config match the folder; or, if no database has applied the folder's migrations yet, delete them (and authdb.snapshot.json) and run baseline again: it writes them from the config.",
  );
}

/** Per built-in migration after the initial one: the indexes it adds, by table, and the tables whose text it makes exact. */
function builtinSteps(options: SchemaOptions): Array<{ slug: string; level: number; schema: Schema; indexes: Array<{ table: string; name: string; columns: string[] }>; exactText: string[] }> {
  return BUILTIN_MIGRATIONS.filter((m) => m.level <= BUILTIN_LEVEL).map((builtin) => {
    const before = schemaAtLevel(options, builtin.level - 1);
    const after = schemaAtLevel(options, builtin.level);
    const indexes = tablesInOrder(after).flatMap((table) => {
      const known = new Set(before.tables[table.model].indexes.map((i) => i.name));
      return table.indexes.filter((i) => !known.has(i.name)).map((i) => ({ table: table.table, name: i.name, columns: i.columns }));
    });
    const exactText = tablesInOrder(after).filter((table) => table.exactText && !before.tables[table.model].exactText).map((table) => table.table);
    return { slug: builtin.slug, level: builtin.level, schema: after, indexes, exactText };
  });
}

function hasIndex(live: DatabaseSchema, index: { table: string; name: string; columns: string[] }): boolean {
  const table = live.tables[index.table];
  return Boolean(table?.indexes.some((i) => i.name === index.name && i.columns.join(",") === index.columns.join(",")));
}

/**
 * Whether the tables' text already compares exactly (MySQL/MariaDB; elsewhere it always does): every text
 * column, and each table's default, which a column added later takes. When not, the exact-text migration
 * stays pending: it converts whatever is left, so a partly exact database needs no refusal.
 */
async function hasExactText(sequelize: Sequelize, live: DatabaseSchema, dialect: string, step: { schema: Schema; exactText: string[] }): Promise<boolean> {
  const tables = step.exactText;
  if (dialect !== "mysql" || !tables.length) return true;
  const defaults = await sequelize.query<{ name: string; collation: string | null }>(
    `SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => "?").join(", ")})`,
    { type: QueryTypes.SELECT, replacements: tables },
  );
  if (tables.some((table) => !defaults.some((row) => String(row.name) === table && row.collation !== null && isExactCollation(String(row.collation))))) return false;
  // The columns, as check compares them.
  return !diffSchema(expectedSchema(step.schema, "mysql"), live).some((d) => d.kind === "collation" && tables.includes(d.table));
}

function fileContent(dir: string, name: string, fallback: string): string {
  const file = path.join(dir, name);
  return existsSync(file) ? readFileSync(file, "utf8") : fallback;
}

/**
 * Reads the database and the folder and decides everything baseline will do, without writing anything:
 * the dry run prints this plan, the real run carries it out. Throws BaselineBlockedError (exit 5) for a
 * layout it cannot convert or rows a conversion would not keep.
 */
export async function planBaseline(sequelize: Sequelize, project: { migrationsDir: string; config: SchemaOptions }, now = new Date(), onEvent?: BaselineListener): Promise<BaselinePlan> {
  const dialect = layoutDialectOf(dialectOf(sequelize));
  if (!LAYOUT_DIALECTS.includes(dialect)) {
    throw new InvalidInputError(`baseline reads PostgreSQL, SQLite and MySQL/MariaDB databases; this one is ${dialect}`, "Adopt a PostgreSQL, SQLite or MySQL/MariaDB database, or create the tables with `npx authdb migrate`.");
  }
  const dir = project.migrationsDir;
  const options = schemaOptions(project.config);
  onEvent?.({ type: "reading", what: "history" });
  const applied = await assertNoHistory(sequelize, dir);
  const heldLevel = assertFolderHoldsConfig(dir, options);

  const initial: Schema = schemaAtLevel(options, 1);
  const tables = tablesInOrder(initial).map((t) => t.table);
  onEvent?.({ type: "reading", what: "tables" });
  const live = await introspectDatabase(sequelize, tables);
  if (!Object.keys(live.tables).length) {
    throw new BaselineBlockedError(
      `the database has none of the Auth.js tables (${tables.join(", ")}): there is nothing to adopt`,
      "Run `npx authdb migrate` to create them. If your tables have other names, set tables in authdb.config (" + docsFile("config.md") + "), then run baseline again.",
    );
  }
  // Every dialect's spelling: the follow-up is shared, and converges a teammate's database of any of them.
  const expected = { postgres: expectedSchema(initial, "postgres"), sqlite: expectedSchema(initial, "sqlite"), mysql: expectedSchema(initial, "mysql") };
  const builtins = builtinSteps(options);
  const analysis = analyzeLayout({
    dialect,
    live,
    initial,
    expected,
    differences: diffSchema(expected[dialect], live),
    builtinIndexes: new Set(builtins.flatMap((b) => b.indexes.map((i) => i.name))),
  });
  if (analysis.blocking.length) {
    throw new BaselineBlockedError(
      `the database matches no layout baseline knows: ${analysis.blocking.length} difference${analysis.blocking.length === 1 ? "" : "s"} from authdb's tables that it cannot convert without losing data or guessing (listed above)`,
      "If these are your own columns, declare them in authdb.config under extend (" + docsFile("custom-columns.md") + ") and run baseline again. Otherwise bring the tables closer to authdb's layout by hand (`npx authdb check` lists every difference) or migrate the data into tables `npx authdb migrate` creates. Nothing was written.",
      analysis.blocking,
    );
  }
  const primaryKeys = Object.fromEntries(Object.values(live.tables).map((t) => [t.name, t.primaryKey]));
  const rowProblems = await findRowProblems(sequelize, analysis.checks, primaryKeys, onEvent);
  if (rowProblems.length) {
    throw new BaselineBlockedError(
      `${rowProblems.length} change${rowProblems.length === 1 ? "" : "s"} of the adoption would not keep every row (listed above); authdb never deletes user data to make a key fit`,
      "Resolve these rows yourself (merge or delete the duplicates, fill in or delete the rows without a value), then run baseline again. Nothing was written.",
      [],
      rowProblems,
    );
  }

  const extension = migrationExtension(dir);
  const set = renderMigrationSet(options, extension);
  const write: PlannedFile[] = [];
  const record: PlannedRecord[] = [];
  const pending: string[] = [];
  const initialName = findInitialMigration(dir) ?? set[0]!.name;
  if (!existsSync(path.join(dir, initialName))) write.push({ file: path.join(dir, initialName), content: set[0]!.source, role: "initial" });
  record.push({ name: initialName, checksum: migrationChecksum(fileContent(dir, initialName, set[0]!.source)) });
  // A built-in migration counts as applied only when all it makes, and every earlier level's, is there.
  let present = true;
  for (const builtin of builtins) {
    const rendered = set.find((m) => m.name.startsWith(`${builtin.slug}.`))!;
    const inFolder = [".js", ".cjs"].map((e) => builtinMigrationName(builtin.slug, e as ".js" | ".cjs")).find((n) => existsSync(path.join(dir, n)));
    // Held by another file of the folder (generate's upgrade migration): a second copy would run it twice.
    if (!inFolder && builtin.level <= heldLevel) continue;
    const name = inFolder ?? rendered.name;
    if (!existsSync(path.join(dir, name))) write.push({ file: path.join(dir, name), content: rendered.source, role: "builtin" });
    const found = builtin.indexes.filter((index) => hasIndex(live, index));
    if (found.length && found.length < builtin.indexes.length) {
      // Recorded, it would never add the missing index; pending, it would fail on the one that exists.
      throw new BaselineBlockedError(
        `the database has part of what ${name} creates (${found.map((i) => i.name).join(", ")}) but not all of it (${builtin.indexes.filter((i) => !found.includes(i)).map((i) => i.name).join(", ")})`,
        `Drop ${found.map((i) => i.name).join(", ")} (an index; no row is lost) or create the missing ones as ${name} does, then run baseline again. Nothing was written.`,
      );
    }
    present = present && found.length === builtin.indexes.length && (await hasExactText(sequelize, live, dialect, builtin));
    if (present) record.push({ name, checksum: migrationChecksum(fileContent(dir, name, rendered.source)) });
    else pending.push(name);
  }
  let adoption: PlannedFile | undefined;
  if (analysis.layout) {
    const name = migrationFileName(ADOPTION_NAME, now, extension);
    const last = [...readMigrationDir(dir).map((m) => m.name), ...write.map((w) => path.basename(w.file))].sort().at(-1);
    if (last && name <= last) {
      throw new InvalidInputError(`the adoption migration ${name} would sort before the existing ${last}, so it would run before it`, "Check the system clock, then run baseline again.");
    }
    const content = renderAdoptionMigration({ layout: analysis.layout, initial, changes: analysis.changes, layoutName: LAYOUT_NAMES["sequelize-adapter"] });
    adoption = { file: path.join(dir, name), content, role: "adoption" };
    write.push(adoption);
  }
  const snapshot = renderSnapshot(schemaAtLevel(options, BUILTIN_LEVEL));
  if (!existsSync(snapshotPath(dir)) || readFileSync(snapshotPath(dir), "utf8") !== snapshot) write.push({ file: snapshotPath(dir), content: snapshot, role: "snapshot" });
  const known = new Set([...readMigrationDir(dir).map((m) => m.name), ...write.map((w) => path.basename(w.file))]);
  return {
    layout: analysis.layout ? "sequelize-adapter" : "authdb",
    analysis,
    record,
    pending,
    write,
    adoption,
    foreignRows: applied.filter((name) => !known.has(name)),
  };
}
