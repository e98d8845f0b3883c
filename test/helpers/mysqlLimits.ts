import { assertFitsMysql } from "../../src/config";
import { buildSchema, type ModelName, type TableSpec } from "../../src/schema";

export type Extend = Record<string, unknown>;

/** The table `extend` gives `model`, refused as init and generate refuse it (src/config/assertFitsMysql.ts). */
export function checkedTable(model: ModelName, extend: Extend): TableSpec {
  const schema = buildSchema({ extend: { [model]: extend } as never });
  assertFitsMysql(schema);
  return schema.tables[model];
}

/** `extend` plus NOT NULL BIGINT then BOOLEAN columns until `measure` of the table is exactly `target`. */
export function paddedTo(model: ModelName, extend: Extend, measure: (table: TableSpec) => number, target: number): Extend {
  const padded = { ...extend };
  for (let i = 0; ; i++) {
    const remaining = target - measure(checkedTable(model, padded));
    if (remaining === 0) return padded;
    if (remaining < 0) throw new Error(`the base config is already ${-remaining} bytes over ${target}`);
    padded[`pad${i}`] = { type: remaining >= 8 ? "BIGINT" : "BOOLEAN", allowNull: false };
  }
}
