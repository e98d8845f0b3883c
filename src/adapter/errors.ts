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

/**
 * A value the adapter refuses to write because its column could not store it exactly (wrong type, out of
 * range, an invalid Date, NUL in text, too long, null for a required column). Nothing was sent to the database.
 */
export class InvalidValueError extends InvalidInputError {
  constructor(
    readonly model: string,
    readonly attribute: string,
    readonly value: unknown,
    problem: string,
    hint: string,
  ) {
    super(`authdb adapter: ${model}.${attribute} ${problem}. ${hint}.`, hint);
  }
}

/** Which kind of constraint a write violated. */
export type ConstraintKind = "unique" | "foreignKey" | "notNull" | "length";

/** What the database (or, for a malformed reference, the adapter) reports about a constraint, in Schema terms. */
export interface ConstraintDetails {
  kind: ConstraintKind;
  model: string;
  /** The attributes the constraint covers, e.g. ["provider", "providerAccountId"]. */
  attributes: string[];
  /**
   * The constraint or index name (`users_email_unique`, `verification_tokens_pkey`), mapped from the
   * columns through the Schema where the database names none (SQLite; its primary key is "primary key").
   * Undefined for not-null and length violations, and for a foreign key on SQLite.
   */
  constraint?: string;
  /** The database's own error (a Sequelize error whose `parent` is the driver's), when the database reported it. */
  cause?: unknown;
}

/** A write the database rejected for a unique, not-null or length constraint; `cause` is its own error. */
export class ConstraintViolationError extends InvalidInputError {
  readonly kind: ConstraintKind;
  readonly model: string;
  readonly attributes: string[];
  readonly constraint?: string;

  constructor(details: ConstraintDetails, message: string, hint: string) {
    super(`authdb adapter: ${message}. ${hint}.`, hint);
    this.kind = details.kind;
    this.model = details.model;
    this.attributes = details.attributes;
    this.constraint = details.constraint;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/** Another row already has this value (or combination of values) in a unique key. */
export class UniqueConstraintError extends ConstraintViolationError {}

/**
 * A reference to a row that does not exist: createSession or linkAccount for an unknown userId. It is an
 * UnknownRecordError, like a userId that is not a UUID at all.
 */
export class ForeignKeyConstraintError extends UnknownRecordError {
  readonly kind: ConstraintKind = "foreignKey";
  readonly model: string;
  readonly attributes: string[];
  readonly constraint?: string;

  constructor(details: ConstraintDetails, message: string, hint: string) {
    super(`authdb adapter: ${message}. ${hint}.`, hint);
    this.model = details.model;
    this.attributes = details.attributes;
    this.constraint = details.constraint;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}
