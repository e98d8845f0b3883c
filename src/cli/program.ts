import { Command } from "commander";
import { DEFAULT_BATCH_SIZE } from "../prune/types";
import { EXIT_CODES_HELP } from "./exitCodesHelp";
import { parseBatchSize, parseDialect, parsePositiveInteger, parseRename, parseSeconds, withGlobalOptions, withRunOptions } from "./options";
import { docsFile } from "../docsLink";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require("../../package.json") as { version: string };

/*
 * What the CLI accepts and documents, and nothing more: each command's work lives in commands/<name>.ts and
 * is loaded only when that command runs. So `authdb --help` loads commander alone, and `authdb status`
 * never loads what migrate or generate need (Umzug, the renderers). Keep imports here cheap: a value
 * imported into this file is paid for by every command.
 */

type Action<A extends unknown[]> = (...args: A) => Promise<void>;

/** An action whose module is required when the command runs, not when the program is built. */
function lazy<A extends unknown[]>(load: () => Action<A>): Action<A> {
  return (...args: A) => load()(...args);
}

/* eslint-disable @typescript-eslint/no-require-imports */
const actions = {
  init: lazy(() => (require("./commands/init") as typeof import("./commands/init")).init),
  migrate: lazy(() => (require("./commands/migrate") as typeof import("./commands/migrate")).migrateCommand),
  status: lazy(() => (require("./commands/status") as typeof import("./commands/status")).statusCommand),
  down: lazy(() => (require("./commands/down") as typeof import("./commands/down")).downCommand),
  create: lazy(() => (require("./commands/create") as typeof import("./commands/create")).create),
  generate: lazy(() => (require("./commands/generate") as typeof import("./commands/generate")).generate),
  baseline: lazy(() => (require("./commands/baseline") as typeof import("./commands/baseline")).baselineCommand),
  check: lazy(() => (require("./commands/check") as typeof import("./commands/check")).checkCommand),
  verify: lazy(() => (require("./commands/verify") as typeof import("./commands/verify")).verifyCommand),
  prune: lazy(() => (require("./commands/prune") as typeof import("./commands/prune")).pruneCommand),
  repair: lazy(() => (require("./commands/repair") as typeof import("./commands/repair")).repairCommand),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const BASELINE_HELP = `
Recognises a database with authdb's tables but no history, and the layouts @auth/sequelize-adapter's
sync() creates (default models, custom models with extra columns declared in extend, with or without
timestamps). Anything else: the differences are listed, nothing is written, exit 5. Rows a conversion
would not keep (duplicate (provider, provider_account_id) pairs, NULLs in a column that becomes NOT NULL)
are listed and nothing is written, exit 5. A database that already has this folder's history: exit 2.
See ${docsFile("adopting-an-existing-database.md")}.`;

/** The `authdb` command line. */
export function buildProgram(): Command {
  const program = new Command("authdb")
    .description("Migrations and an Auth.js adapter for SQL databases, from one schema.")
    .version(version, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", EXIT_CODES_HELP)
    .addHelpText(
      "after",
      `\n--json: one JSON document on stdout, the same envelope for every command; it follows the JSON Schemas\nshipped in the package, authdb/schemas/envelope.json and authdb/schemas/<command>.json (${docsFile("cli.md")}, Machine output).`,
    );

  withGlobalOptions(
    program
      .command("init")
      .description("write authdb.config.js (if missing) and the migration that creates the Auth.js tables")
      .option("--force", "render the initial migration files again (refused when the database at hand has applied them)")
      .option("--migrations-dir <dir>", "where to write migrations (default: config migrationsDir, else ./migrations)"),
    { urlHelp: "only with --force: the database to ask whether it applied the files (init itself connects to none)" },
  ).action(actions.init);

  withRunOptions(
    withGlobalOptions(
      program
        .command("migrate")
        .description("apply pending migrations, each in its own transaction, under a database lock")
        .option("--to <name>", "apply up to and including this migration")
        .option("--dry-run", "print the SQL each pending migration would run, then roll back")
        .option("--allow-changed", "run even if an applied migration's file changed or is missing"),
    ),
  ).action(actions.migrate);

  withGlobalOptions(
    program
      .command("status")
      .description("list applied and pending migrations, files changed since applied, and the lock holder")
      .option("--check", "exit 4 when migrations are pending, 6 when an applied file changed or is missing (for CI gates)"),
  ).action(actions.status);

  withRunOptions(
    withGlobalOptions(
      program
        .command("down")
        .description("revert applied migrations, newest first (default: the last one)")
        .option("--step <n>", "revert the last n migrations", parsePositiveInteger)
        .option("--to <name>", "revert down to and including this migration; --to 0 reverts all")
        .option("--dry-run", "print the SQL the reverts would run, then roll back")
        .option("--allow-changed", "run even if an applied migration's file changed or is missing")
        .option("--accept-data-loss", "revert even when that drops tables or columns holding data (without it, such a revert is refused, exit code 1)"),
    ),
  ).action(actions.down);

  withGlobalOptions(
    program
      .command("create")
      .description('create an empty, timestamped migration file (.cjs in a "type": "module" project, else .js)')
      .argument("<name>", "what the migration does, e.g. add-phone-number"),
  ).action(actions.create);

  withGlobalOptions(
    program
      .command("generate")
      .description("write a migration for what changed in the config since the last one (diffs authdb.snapshot.json with the config)")
      .argument("[name]", "what the migration does, e.g. add-role (default: schema-change)")
      .option("--check", "write nothing; exit 4 when the config has changes no migration holds yet (for CI)")
      .option("--dry-run", "print the migration it would write; write nothing")
      .option("--sql <dialect>", "print the SQL of the migration for postgres, sqlite, mysql or mariadb; write nothing", parseDialect)
      .option("--allow-destructive", "write steps that can lose data or fail on existing rows (drops, narrowing, NOT NULL)")
      .option("--rename <Model.old=new>", "a column was renamed, not dropped and added: rename it in place and keep its data (repeatable)", parseRename, [])
      .option("--reset-snapshot", "write only authdb.snapshot.json, from today's config (when it was lost)"),
  ).action(actions.generate);

  withGlobalOptions(
    program
      .command("baseline")
      .description("adopt an existing database: record the migrations its tables already reflect, and write the one that converts an older layout")
      .option("--dry-run", "show what would be recorded and what the follow-up migration will change; write nothing")
      .option("--lock-timeout <seconds>", "how long to wait for another run's migration lock (exit code 3 after)", parseSeconds, 60)
      .addHelpText("after", BASELINE_HELP),
  ).action(actions.baseline);

  withGlobalOptions(
    program
      .command("check")
      .description("compare the live database with the schema from config, and list pending migrations (read-only)")
      .option("--strict", "also report tables the schema does not know (default: only the Auth.js tables are compared)"),
  ).action(actions.check);

  withRunOptions(
    withGlobalOptions(
      program
        .command("verify")
        .description("on a scratch database, apply, revert and re-apply every migration, checking each down undoes its up")
        .option("--force", "run although the database already has authdb tables or applied migrations (they are reverted first)"),
    ),
  ).action(actions.verify);

  withGlobalOptions(
    program
      .command("prune")
      .description("delete expired sessions and verification tokens in small batches, while sign-ins go on")
      .option("--dry-run", "count the expired rows and the batches it would take; delete nothing")
      .option("--batch-size <rows>", "rows per DELETE statement, each its own short transaction", parseBatchSize, DEFAULT_BATCH_SIZE),
  ).action(actions.prune);

  withGlobalOptions(
    program
      .command("repair")
      .argument("[names...]", "applied migrations to repair (default: every applied migration whose file changed)")
      .description("accept an intentional edit of an applied migration: record its file's current checksum, so it is no longer reported changed (exit 6)")
      .option("--dry-run", "list what would be recorded; change nothing")
      .option("--lock-timeout <seconds>", "how long to wait for another run's migration lock (exit code 3 after)", parseSeconds, 60),
  ).action(actions.repair);

  return program;
}
