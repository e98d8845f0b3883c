import { performance } from "node:perf_hooks";
import { AuthdbError, ExitCode } from "../../errors";
import { dialectOf } from "../../database";
import { diffSchema, expectedSchema, introspectDatabase, listApplicationTables, type Difference } from "../../introspect";
import { readMigrationDir, readMigrationStatus } from "../../migrator";
import { tablesInOrder } from "../../schema";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, withConnection, type GlobalOptions } from "../project";

interface CheckOptions extends GlobalOptions {
  strict?: boolean;
}

/** Differences grouped under their table, so a long list stays readable. */
export function printDifferences(output: Output, differences: Difference[], indent = "  "): void {
  let table: string | undefined;
  for (const difference of differences) {
    if (difference.table !== table) {
      table = difference.table;
      output.line(`${indent}${output.c.bold(table)}`);
    }
    output.line(`${indent}  ${output.c.red("✖")} ${difference.message}`);
  }
}

export async function checkCommand(options: CheckOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  await withConnection(project, options, async ({ sequelize, label }) => {
    output.line(`Database: ${label}`);
    const schemaTables = tablesInOrder(project.schema).map((t) => t.table);
    const expected = expectedSchema(project.schema, dialectOf(sequelize));
    // Non-strict reads only the Auth.js tables: the app's own tables are none of our business.
    const actual = await introspectDatabase(sequelize, options.strict ? await listApplicationTables(sequelize) : schemaTables);
    const differences = diffSchema(expected, actual, { strict: options.strict });
    const status = await readMigrationStatus(sequelize, readMigrationDir(project.migrationsDir));
    const total = performance.now() - started;

    output.line(
      `Compared ${schemaTables.length} tables (${schemaTables.join(", ")}) with ${project.file ? relativePath(project.file) : "the default schema (no config file)"}${options.strict ? ", and looked for tables the schema does not know (--strict)" : ""}.`,
    );
    if (differences.length) {
      output.line(`${differences.length} difference${differences.length === 1 ? "" : "s"}:`);
      printDifferences(output, differences);
    } else {
      output.success("the database matches the schema");
    }
    for (const name of status.pending) output.line(`  ${output.c.yellow("pending")}  ${name}`);
    output.line(
      `${differences.length} difference${differences.length === 1 ? "" : "s"}, ${status.pending.length} pending migration${status.pending.length === 1 ? "" : "s"} in ${relativePath(project.migrationsDir)} (${formatDuration(total)}).`,
    );
    if (!differences.length && !status.pending.length) output.next("nothing to do.");
    else if (!differences.length) output.next("run `npx authdb migrate` to apply the pending migrations.");

    output.result("check", { strict: Boolean(options.strict), differences, pending: status.pending });

    if (differences.length) {
      const hint = status.pending.length
        ? `${status.pending.length} migration${status.pending.length === 1 ? " is" : "s are"} pending and may account for some of this: run \`npx authdb migrate\`, then check again.`
        : "If the config changed, or authdb was upgraded (its own table set grows: new indexes, exact text on MySQL), run `npx authdb generate` to write the migration, then `npx authdb migrate`; if the database was changed by hand, undo that or capture it in a migration (`npx authdb create <name>`).";
      throw new AuthdbError(`the database differs from the schema in ${differences.length} place${differences.length === 1 ? "" : "s"} (listed above)`, ExitCode.drift, hint);
    } else if (status.pending.length) {
      throw new AuthdbError(`${status.pending.length} pending migration${status.pending.length === 1 ? "" : "s"}: ${status.pending.join(", ")}`, ExitCode.pending, "Run `npx authdb migrate`.");
    }
  }, { readOnly: true });
}
