import { translateDatabaseError } from "../../src/adapter/databaseErrors";
import { UniqueConstraintError } from "../../src/adapter/errors";
import { buildSchema } from "../../src/schema";

// The messages as mysql2 reports them (sqlMessage: the server's alone); the duplicate value comes first
// and is the user's text, so only the key named at the end counts.
const users = buildSchema({ extend: { User: { handle: { type: "STRING", unique: true } } } }).tables.User;
const attempt = { table: users, columns: users.columns, values: users.columns.map(() => null) };
const mysqlError = (sqlMessage: string) => ({ name: "SequelizeUniqueConstraintError", parent: { code: "ER_DUP_ENTRY", errno: 1062, sqlMessage, message: `${sqlMessage} (sql: INSERT …)` } });

test.each([
  ["MariaDB", "Duplicate entry 'a@example.com' for key 'users_email_unique'", "users_email_unique", ["email"]],
  ["MySQL 8", "Duplicate entry 'a@example.com' for key 'users.users_email_unique'", "users_email_unique", ["email"]],
  ["a value that holds the pattern", "Duplicate entry 'x for key 'com' y' for key 'users_handle_unique'", "users_handle_unique", ["handle"]],
  ["the primary key", "Duplicate entry '8a1b7b52-4ad4-4f0f-9e61-1b5f0c2f9d10' for key 'PRIMARY'", undefined, ["id"]],
])("a duplicate key (%s) names the key at the message's end and its attributes", (_, message, constraint, attributes) => {
  const error = translateDatabaseError(mysqlError(message), attempt) as UniqueConstraintError;
  expect(error).toBeInstanceOf(UniqueConstraintError);
  expect(error.attributes).toEqual(attributes);
  if (constraint) expect(error.constraint).toBe(constraint);
});
