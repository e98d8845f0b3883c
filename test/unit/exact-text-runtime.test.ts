/**
 * The COLUMN_DEFAULT spellings the exact-text migration writes back into its MODIFY (MySQL 8 cannot run
 * here; MariaDB's are also covered for real by test/db/exact-text.test.ts). The function is taken from the
 * very text every migration file carries.
 */
import { EXACT_TEXT_RUNTIME } from "../../src/migrations/exactTextRuntime";

type DefaultSql = (value: string | null, extra: string, mariadb: boolean, escape: (value: string) => string) => string | null;
const source = /function defaultSql\([\s\S]*?\n}/.exec(EXACT_TEXT_RUNTIME)![0];
const defaultSql = new Function(`${source}; return defaultSql;`)() as DefaultSql;
const escape = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

test.each([
  ["MariaDB: a literal comes quoted already", "'x'", "", true, "'x'"],
  ["MariaDB: the text NULL is no default", "NULL", "", true, null],
  ["MariaDB: an expression as it is", "current_timestamp(3)", "", true, "current_timestamp(3)"],
  ["MySQL: a literal comes bare and is quoted", "it's", "", false, "'it\\'s'"],
  ["MySQL: the text NULL is a literal there", "NULL", "", false, "'NULL'"],
  ["MySQL: an expression default, its quotes unescaped", "_utf8mb4\\'x\\'", "DEFAULT_GENERATED", false, "(_utf8mb4'x')"],
  ["MySQL: a backslash in an expression", "concat(_utf8mb4\\'a\\\\\\\\b\\')", "DEFAULT_GENERATED", false, "(concat(_utf8mb4'a\\\\b'))"],
  ["either: SQL NULL is no default", null, "", false, null],
])("%s", (_what, value, extra, mariadb, expected) => {
  expect(defaultSql(value, extra, mariadb, escape)).toBe(expected);
});
