/**
 * Issue 11: a config whose migration could not run on MySQL or MariaDB is refused (by init, generate, and
 * migrate() on MySQL: src/config/assertFitsMysql.ts) whatever the URL, with the limit, the config path and the fix. The byte figures were measured on MariaDB 10.11; test/db/mysql-limits
 * checks the boundaries against the real server.
 */
import { assertFitsMysql, ConfigError, validateConfig } from "../../src/config";
import { ExitCode } from "../../src/errors";
import { buildSchema, MODEL_NAMES, SchemaConfigError, tablesInOrder, type ColumnSpec, type ModelName, type TableSpec } from "../../src/schema";
import { paddedTo, type Extend } from "../helpers/mysqlLimits";
import { MAX_UNIQUE_STRING_LENGTH, MYSQL_LIMITS, mysqlColumnBytes, mysqlLimitProblem, mysqlLimitProblems, recordBytesOf, rowBytesOf, } from "../../src/schema/mysqlLimits";

/** The schema, refused with its first problem as init and generate refuse it. */
function checked(options: Parameters<typeof buildSchema>[0]) {
  const schema = buildSchema(options);
  const [problem] = mysqlLimitProblems(schema);
  if (problem) throw new SchemaConfigError(problem.path, problem.problem);
  return schema;
}
const schemaWith = (model: ModelName, extend: Extend) => checked({ extend: { [model]: extend } as never });
const tableWith = (model: ModelName, extend: Extend) => schemaWith(model, extend).tables[model];


describe("what each column takes on MySQL and MariaDB (measured on MariaDB 10.11)", () => {
  const column = (spec: Partial<ColumnSpec>): ColumnSpec => ({ attribute: "c", column: "c", type: "STRING", allowNull: true, ...spec });
  test.each([
    [{ type: "STRING", length: 1 }, "VARCHAR(1)", 5, 5, 4],
    [{ type: "STRING", length: 63 }, "VARCHAR(63)", 253, 253, 252],
    [{ type: "STRING", length: 64 }, "VARCHAR(64)", 258, 41, 256],
    [{ type: "STRING", length: 16383 }, "VARCHAR(16383)", 65534, 41, 65532],
    [{ type: "UUID" }, "CHAR(36)", 144, 145, 144],
    [{ type: "TEXT" }, "TEXT", 10, 41, null],
    [{ type: "JSON" }, "JSON", 12, 41, null],
    [{ type: "INTEGER" }, "INTEGER", 4, 4, 4],
    [{ type: "BIGINT" }, "BIGINT", 8, 8, 8],
    [{ type: "FLOAT" }, "FLOAT", 4, 4, 4],
    [{ type: "BOOLEAN" }, "TINYINT(1)", 1, 1, 1],
    [{ type: "DATEONLY" }, "DATE", 3, 3, 3],
    [{ type: "DATE", length: 0 }, "DATETIME(0)", 5, 5, 5],
    [{ type: "DATE", length: 3 }, "DATETIME(3)", 7, 7, 7],
    [{ type: "DATE", length: 6 }, "DATETIME(6)", 8, 8, 8],
    [{ type: "DECIMAL" }, "DECIMAL(10,0)", 5, 5, 5],
    [{ type: "DECIMAL", precision: 9 }, "DECIMAL(9,0)", 4, 4, 4],
    [{ type: "DECIMAL", precision: 19 }, "DECIMAL(19,0)", 9, 9, 9],
    [{ type: "DECIMAL", precision: 3, scale: 3 }, "DECIMAL(3,3)", 2, 2, 2],
    [{ type: "DECIMAL", precision: 20, scale: 10 }, "DECIMAL(20,10)", 10, 10, 10],
    [{ type: "DECIMAL", precision: 65, scale: 30 }, "DECIMAL(65,30)", 30, 30, 30],
  ] as const)("%j is %s: row %i, in-page record %i, key %p", (spec, sqlType, row, record, key) => {
    expect(mysqlColumnBytes(column(spec))).toEqual({ sqlType, row, record, key });
  });

  test("the built-in tables fit, with these sizes (null bits, record header and InnoDB's system columns included)", () => {
    const schema = buildSchema();
    for (const table of tablesInOrder(schema)) expect(mysqlLimitProblem(table)).toBeNull();
    expect(Object.fromEntries(tablesInOrder(schema).map((t) => [t.table, [rowBytesOf(t), recordBytesOf(t)]]))).toEqual({
      users: [2206, 294],
      accounts: [4435, 686],
      sessions: [1317, 356],
      verification_tokens: [2051, 107],
      authenticators: [4252, 378],
    });
  });
});

describe("unique keys fit InnoDB's 3,072 bytes", () => {
  test(`a unique STRING of ${MAX_UNIQUE_STRING_LENGTH} characters is accepted, one more is refused with the limit, the path and the fix`, () => {
    expect(tableWith("User", { handle: { type: "STRING", length: 768, unique: true } }).indexes).toContainEqual({ name: "users_handle_unique", columns: ["handle"], unique: true });
    const build = () => schemaWith("User", { handle: { type: "STRING", length: 769, unique: true } });
    expect(build).toThrow(SchemaConfigError);
    expect(build).toThrow(
      /^extend\.User\.handle is a unique STRING\(769\): its key would take 3,076 bytes in utf8mb4 .* over InnoDB's 3,072 bytes \(768 characters\)\. MySQL refuses it \(ERROR 1071 .*MariaDB silently builds a slower HASH index instead; give it length 768 or less, or make it TEXT without unique/,
    );
  });

  test("a DataTypes value is measured the same way", () => {
    expect(() => schemaWith("Session", { code: { type: { key: "STRING", options: { length: 1000 } }, unique: true } })).toThrow(/^extend\.Session\.code is a unique STRING\(1000\)/);
  });

  test("a long STRING without unique has no key, so only the row limits apply", () => {
    expect(() => schemaWith("User", { bio: { type: "STRING", length: 5000 } })).not.toThrow();
  });

  test.each([
    ["TEXT", /ERROR 1170 "BLOB\/TEXT column 'note' used in key specification without a key length"/],
    ["JSON", /ERROR 3152 "JSON column 'note' cannot be used in key specification"/],
  ])("a unique %s column is refused: MySQL cannot key it, MariaDB would hash it", (type, refusal) => {
    const build = () => schemaWith("Account", { note: { type, unique: true } });
    expect(build).toThrow(new RegExp(`^extend\\.Account\\.note is a unique ${type} column, which MySQL cannot key`));
    expect(build).toThrow(refusal);
    expect(build).toThrow(/make it STRING with length 768 or less, or remove unique$/);
    expect(() => schemaWith("Account", { note: { type } })).not.toThrow();
  });
});

describe("rows fit the server's 65,535 bytes", () => {
  test("the longest custom STRING each table takes: the built-in columns count too", () => {
    const longest = (model: ModelName) => {
      let [low, high] = [1, 16383];
      while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        try {
          schemaWith(model, { big: { type: "STRING", length: mid } });
          low = mid;
        } catch {
          high = mid - 1;
        }
      }
      return low;
    };
    expect(Object.fromEntries(MODEL_NAMES.map((m) => [m, longest(m)]))).toEqual({ User: 15831, Account: 15274, Session: 16053, VerificationToken: 15870, Authenticator: 15320 });
  });

  test("a table at exactly 65,535 bytes is accepted; one byte more is refused with the sizes, the limit and the fix", () => {
    const extend = paddedTo("User", { bio: { type: "STRING", length: 15831, allowNull: false } }, rowBytesOf, MYSQL_LIMITS.rowBytes);
    expect(rowBytesOf(tableWith("User", extend))).toBe(65535);
    const build = () => schemaWith("User", { ...extend, oneMore: { type: "BOOLEAN", allowNull: false } });
    expect(build).toThrow(
      /^extend\.User gives users rows of 65,536 bytes on MySQL and MariaDB, over their 65,535 bytes \(ERROR 1118 "Row size too large"\)\. .*the largest custom columns: bio VARCHAR\(15831\) 63,326 bytes, .* Shorten them or make the longest TEXT$/,
    );
  });

  test("a nullable column costs a null bit: the ninth nullable column adds a byte", () => {
    const flags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`flag${i}`, "BOOLEAN"]));
    // users has 4 nullable columns: 4 more fill the first null byte, the 5th starts a second one.
    expect(rowBytesOf(tableWith("User", flags(4))) - rowBytesOf(buildSchema().tables.User)).toBe(4);
    expect(rowBytesOf(tableWith("User", flags(5))) - rowBytesOf(buildSchema().tables.User)).toBe(6);
  });
});

describe("rows fit InnoDB's page: 8,125 bytes kept in place", () => {
  const shortStrings = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`code${i}`, { type: "STRING", length: 63, allowNull: false }]));

  test("a table at exactly 8,125 bytes is accepted; one byte more is refused with the limit and the fix", () => {
    const extend = paddedTo("User", shortStrings, recordBytesOf, MYSQL_LIMITS.recordBytes);
    expect(recordBytesOf(tableWith("User", extend))).toBe(8125);
    const build = () => schemaWith("User", { ...extend, oneMore: { type: "BOOLEAN", allowNull: false } });
    expect(build).toThrow(
      /^extend\.User gives users rows of up to 8,126 bytes that InnoDB must keep in one 16 KB page, over its 8,125 bytes \(ERROR 1118 "Row size too large \(> 8126\)"\)\. .*The largest custom columns: code0 VARCHAR\(63\) 253 bytes, .*Make some short STRING columns TEXT/,
    );
  });

  test("the same columns as TEXT fit: off the page they take 41 bytes each", () => {
    const asText = Object.fromEntries(Object.keys(shortStrings).map((name) => [name, { type: "TEXT", allowNull: false }]));
    expect(() => schemaWith("User", { ...asText, ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`more${i}`, "TEXT"])) })).not.toThrow();
  });
});

describe("InnoDB's 1,017 columns per table", () => {
  const flags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`flag${i}`, "BOOLEAN"]));
  test("users takes 1,012 custom columns beside its 5, not 1,013", () => {
    expect(tableWith("User", flags(1012)).columns).toHaveLength(1017);
    expect(() => schemaWith("User", flags(1013))).toThrow(/^extend\.User gives users 1018 columns, over InnoDB's 1017 per table \(errno 185 "Too many columns"\); remove 1 /);
  });
});

describe("a table with a foreign key to users keeps its name to 56 characters", () => {
  test.each(["Account", "Session", "Authenticator"] as const)("tables.%s of 57 characters is refused (its index names, longer than the foreign key's, already are)", (model) => {
    const name = `t${"x".repeat(56)}`;
    expect(() => buildSchema({ tables: { [model]: name } })).toThrow(new RegExp(`^tables\\.${model} gives the index name "${name}_`));
    // The foreign key rule on its own, for a table whose indexes would fit:
    expect(mysqlLimitProblem({ ...buildSchema().tables[model], table: name })?.problem).toMatch(
      new RegExp(`^"${name}" is 57 characters: MySQL and MariaDB name this table's foreign key to the users table "${name}_ibfk_1", which is too long for MariaDB \\(ERROR 1059 .*choose a name of 56 characters or fewer$`),
    );
  });

  test("56 characters fit the foreign key name; a table without one is not concerned", () => {
    const spec = buildSchema().tables.Session;
    expect(mysqlLimitProblem({ ...spec, table: "s".repeat(56) })).toBeNull();
    expect(mysqlLimitProblem({ ...spec, table: "s".repeat(57) })?.path).toBe("tables.Session");
    expect(mysqlLimitProblem({ ...buildSchema().tables.VerificationToken, table: "v".repeat(63) })).toBeNull();
  });
});

describe("when they are checked: writing or running a migration, never the adapter", () => {
  const config = { extend: { User: { handle: { type: "STRING", length: 1000, unique: true } } } };
  test.each([undefined, "postgres://localhost/app", "sqlite::memory:"])("url %p: a ConfigError naming the file and the path, exit code 2", (url) => {
    const { schema } = validateConfig({ ...(url ? { url } : {}), ...config }, "/app/authdb.config.js");
    const assert = () => assertFitsMysql(schema, "/app/authdb.config.js");
    expect(assert).toThrow(ConfigError);
    expect(assert).toThrow(/^\/app\/authdb\.config\.js: extend\.User\.handle is a unique STRING\(1000\).*One migration file serves every database/);
    expect(() => assert()).toThrow(expect.objectContaining({ exitCode: ExitCode.invalidInput }) as never);
  });

  test("validating the config alone (what the adapter and prune do) accepts it: they create no table", () => {
    expect(validateConfig(config).schema.tables.User.indexes.map((i) => i.name)).toContain("users_handle_unique");
  });

  test("what the folder's snapshot already holds is not refused again (generate); a new problem is", () => {
    const held = buildSchema(config as never);
    expect(() => assertFitsMysql(held, undefined, held)).not.toThrow();
    const more = buildSchema({ extend: { User: { ...config.extend.User, notes: { type: "TEXT", unique: true } } } } as never);
    expect(() => assertFitsMysql(more, undefined, held)).toThrow(/^extend\.User\.notes is a unique TEXT column/);
  });
});

describe("a TEXT column has no literal default on MySQL", () => {
  test("a TEXT default is refused naming MySQL's error and the fix; a STRING default, or a TEXT without one, is not", () => {
    expect(() => schemaWith("User", { bio: { type: "TEXT", defaultValue: "none" } })).toThrow(/^extend\.User\.bio is a TEXT column with a defaultValue, which MySQL refuses \(ERROR 1101 .*make it a STRING with a length, or set the value in your application$/);
    expect(() => schemaWith("User", { bio: { type: "STRING", length: 2000, defaultValue: "none" } })).not.toThrow();
    expect(() => schemaWith("User", { bio: { type: "TEXT", defaultValue: null } })).not.toThrow();
    expect(() => schemaWith("User", { bio: "TEXT" })).not.toThrow();
  });
});

