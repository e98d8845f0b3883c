import { definitionKeepsValues } from "../../src/migrator/columnWidening";

// down's data-loss check on MySQL/MariaDB: does a CHANGE/MODIFY keep every value of a column?
test.each([
  ["enum('x','y','z')", "ENUM('x','y','z','w') NOT NULL", true],
  ["enum('x','y','z')", "ENUM('x','y') NOT NULL", false],
  ["set('a','b')", "SET('a','b','c')", true],
  ["set('a','b')", "SET('b')", false],
  ["enum('it''s','no')", "ENUM('it''s','no','yes')", true],
  ["varchar(40)", "VARCHAR(20)", false],
  ["varchar(20)", "VARCHAR(40)", true],
  ["int(11)", "BIGINT", true],
  ["bigint(20)", "INT", false],
])("%s → %s keeps every value: %s", (current, definition, keeps) => {
  expect(definitionKeepsValues(current, null, definition)).toBe(keeps);
});
