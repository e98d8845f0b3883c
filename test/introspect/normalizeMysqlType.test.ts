import { normalizeMysqlType } from "../../src/introspect";
import { normalizeMysqlDefault } from "../../src/introspect/normalizeType";

// MariaDB is the server the integration suites run on; these pin the MySQL 8 spellings (no display
// widths, from its manual) to the same normalized names, since no MySQL 8 server is available here.
describe("normalizeMysqlType", () => {
  it.each([
    ["int(11)", "int"], // MariaDB, MySQL 5.7
    ["int", "int"], // MySQL 8.0.19+
    ["bigint(20)", "bigint"],
    ["BIGINT", "bigint"],
    ["int(10) unsigned", "int unsigned"],
    ["smallint(6)", "smallint"],
    ["tinyint(4)", "tinyint"],
    ["tinyint(1)", "tinyint(1)"], // BOOLEAN keeps its width on both servers
    ["varchar(255)", "varchar(255)"],
    ["decimal(10, 2)", "decimal(10,2)"],
    ["datetime(3)", "datetime(3)"],
    ["char(36)", "char(36)"],
  ])("%s → %s", (reported, normalized) => {
    expect(normalizeMysqlType(reported)).toBe(normalized);
  });
});

describe("normalizeMysqlDefault", () => {
  it("reads MariaDB's NULL text and MySQL's SQL NULL alike, and keeps a quoted 'NULL' string", () => {
    expect(normalizeMysqlDefault("NULL", "")).toBeNull();
    expect(normalizeMysqlDefault(null, "")).toBeNull();
    expect(normalizeMysqlDefault("'NULL'", "")).toBe("'NULL'");
  });

  it("adds what EXTRA says, so verify sees a lost auto_increment or ON UPDATE", () => {
    expect(normalizeMysqlDefault(null, "auto_increment")).toBe("auto_increment");
    expect(normalizeMysqlDefault("current_timestamp()", "on update current_timestamp()")).toBe("current_timestamp() on update current_timestamp()");
  });
});
