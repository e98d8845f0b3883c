import { decimalFromDatabase, plainDigits } from "../../src/adapter/decimalText";

// SQLite hands DECIMAL columns back as numbers; the adapter returns text as PostgreSQL does.
test.each([
  [1e-7, "0.0000001"],
  [-2.5e-8, "-0.000000025"],
  [1.5e21, "1500000000000000000000"],
  [12.5, "12.5"],
  [0, "0"],
])("plainDigits(%p) is %p, never an exponent", (value, text) => {
  expect(plainDigits(value)).toBe(text);
  expect(Number(plainDigits(value))).toBe(value);
});

test.each([
  [12.5, 2, "12.50"],
  [3, 2, "3.00"],
  ["12.50", 2, "12.50"],
  [1e-7, 8, "0.00000010"],
  [42, 0, "42"],
  [1e-7, undefined, "0.0000001"],
])("decimalFromDatabase(%p, scale %p) is %p", (value, scale, text) => {
  expect(decimalFromDatabase(value, scale)).toBe(text);
});
