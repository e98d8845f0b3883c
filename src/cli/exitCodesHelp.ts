import { docsFile } from "../docsLink";
import { ExitCode } from "../errors";

export const EXIT_CODES_HELP = `
Exit codes (the same for every command; ${docsFile("cli.md")}):
  ${ExitCode.ok}  success
  ${ExitCode.migrationFailed}  a migration or SQL statement failed (the database's error is printed), stalled
     (--stall-timeout) or lost its lock or connection; down would drop data (--accept-data-loss);
     init would overwrite a file
  ${ExitCode.invalidInput}  invalid config, option or URL, or the database cannot be reached; generate refused a
     destructive step (--allow-destructive) or found no usable authdb.snapshot.json
  ${ExitCode.lockTimeout}  timed out waiting for the migration lock (--lock-timeout)
  ${ExitCode.pending}  migrations are pending (status --check; check, when the tables already match them, else 5);
     the config has changes no migration holds yet (generate --check); prune: the tables are not migrated
  ${ExitCode.drift}  the database differs from the config (check, verify); baseline cannot convert its layout
     or would not keep every row
  ${ExitCode.changedMigration}  an applied migration's file changed or is missing (an intended edit: authdb repair;
     another service's row: foreignMigrations in the config); init --force would overwrite an applied one
  ${ExitCode.interrupted}  interrupted by Ctrl-C (SIGINT)
  ${ExitCode.terminated}  ended by SIGTERM (a cancelled CI job, a stopped deploy)

Database URL: --url, else config url, else DATABASE_URL, else sqlite:./authdb.sqlite
(not with CI=true or NODE_ENV=production, where a missing URL is an error; an empty URL is always one).`;
