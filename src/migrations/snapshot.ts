import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InvalidInputError } from "../errors";
import { COLUMN_TYPES, MODEL_NAMES, type Schema } from "../schema";

/**
 * The schema the migrations folder holds, written beside it by `init`, `generate` and `baseline` and
 * committed with it (as drizzle-kit keeps its snapshots). `generate` diffs it with today's config; no
 * database is consulted, so every teammate gets the same migration from the same commit.
 */
export const SNAPSHOT_FILE = "authdb.snapshot.json";
const FORMAT = "authdb-schema-snapshot";
const VERSION = 1;

/** The file's shape, built when a snapshot is first read: zod takes a while to load, and most commands read none. */
function buildSnapshotShape() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { z } = require("zod") as typeof import("zod");
  const column = z
    .object({
      attribute: z.string().min(1),
      column: z.string().min(1),
      type: z.enum(COLUMN_TYPES),
      length: z.number().int().positive().optional(),
      precision: z.number().int().positive().optional(),
      scale: z.number().int().nonnegative().optional(),
      allowNull: z.boolean(),
      primaryKey: z.boolean().optional(),
      defaultValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
      references: z.object({ table: z.string().min(1), column: z.string().min(1), onDelete: z.literal("CASCADE") }).strict().optional(),
      custom: z.boolean().optional(),
    })
    .strict();
  const index = z.object({ name: z.string().min(1), columns: z.array(z.string().min(1)).min(1), unique: z.boolean() }).strict();
  const table = z
    .object({ model: z.enum(MODEL_NAMES), table: z.string().min(1), exactText: z.literal(true).optional(), columns: z.array(column).min(1), indexes: z.array(index) })
    .strict();
  return z
    .object({
      format: z.literal(FORMAT),
      version: z.literal(VERSION),
      note: z.string().optional(),
      tables: z.object(Object.fromEntries(MODEL_NAMES.map((model) => [model, table])) as Record<(typeof MODEL_NAMES)[number], typeof table>).strict(),
    })
    .strict();
}
let snapshotShape: ReturnType<typeof buildSnapshotShape> | undefined;

export function snapshotPath(migrationsDir: string): string {
  return path.join(migrationsDir, SNAPSHOT_FILE);
}

/** The snapshot's text: stable key order and one line per column, so a diff in review reads well. */
export function renderSnapshot(schema: Schema): string {
  const body = {
    format: FORMAT,
    version: VERSION,
    note: "Written by authdb init/generate/baseline: the schema the migrations in this folder produce. Commit it; do not edit it.",
    tables: Object.fromEntries(MODEL_NAMES.map((model) => [model, schema.tables[model]])),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export function writeSnapshot(migrationsDir: string, schema: Schema): string {
  const file = snapshotPath(migrationsDir);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, renderSnapshot(schema));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return file;
}

export class SnapshotError extends InvalidInputError {}

/** The folder's snapshot, or null when there is none; a snapshot that does not parse is an error with the way out. */
export function readSnapshot(migrationsDir: string): Schema | null {
  const file = snapshotPath(migrationsDir);
  if (!existsSync(file)) return null;
  const way = `Restore it from version control (git checkout -- ${path.relative(process.cwd(), file) || file}); if it is lost, delete it and run \`authdb generate --reset-snapshot\` to record today's config as what the migrations hold.`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SnapshotError(`${file} is not valid JSON (${(error as Error).message})`, way);
  }
  snapshotShape ??= buildSnapshotShape();
  const result = snapshotShape.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SnapshotError(`${file} is not an authdb schema snapshot: ${issue.path.join(".") || "(top level)"}: ${issue.message}`, way);
  }
  return { tables: result.data.tables as Schema["tables"] };
}
