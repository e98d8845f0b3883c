import { AuthdbError, ExitCode, InvalidInputError } from "../errors";

const MIGRATE_HINT = "Run `authdb migrate` (or `await migrate(sequelize, config)` from authdb) before the adapter's first request, " +
  "or pass { verify: false } if your deploy checks the schema itself.";

/** The database lacks a table or column the adapter reads or writes: the migrations have not been applied. */
export class SchemaNotMigratedError extends AuthdbError {
  constructor(readonly missing: string[]) {
    super(
      `authdb adapter: the database is not migrated: ${missing.join("; ")}. ${MIGRATE_HINT}`,
      ExitCode.pending,
      MIGRATE_HINT,
    );
  }
}

/** A write that names a row that does not exist (updateUser of an unknown id, a counter of an unknown credential). */
export class UnknownRecordError extends InvalidInputError {}
