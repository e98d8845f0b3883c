import type { z } from "zod";
import { defaultValueProblem } from "./columnDefault";
import { ColumnSizeError, resolveColumnSize, type SizeField } from "./columnSize";
import { describeValue } from "./describeValue";
import { COLUMN_TYPES, type ColumnSpec, type ColumnType, type DefaultValue } from "./types";

/** `DataTypes.STRING`: the class, which Sequelize makes callable. */
export interface DataTypeConstructorLike {
  key: string;
  (...args: never[]): unknown;
}

/** `DataTypes.STRING(100)`: an instance, which carries its sizes in `options`. */
export interface DataTypeInstanceLike {
  key: string;
  options?: { length?: number; precision?: number; scale?: number };
  toSql(): string;
}

/**
 * A Sequelize DataTypes value, recognised at run time by its `key`. The two shapes are typed apart on
 * purpose: the constructor's call signature and the instance's `toSql` keep a plain object literal from
 * matching (so `{ type: "STRING", key: "x" }` is an error, not a DataTypes value), and editors do not offer
 * `key` and `options` when completing a column object.
 */
export type DataTypeLike = DataTypeConstructorLike | DataTypeInstanceLike;

/** The object form of a column; every option is checked at run time too (`COLUMN_OPTIONS`). */
export interface CustomColumnObject {
  /** A type name (`"STRING"`) or a Sequelize DataTypes value (`DataTypes.STRING(40)`). */
  type: ColumnType | DataTypeLike;
  /** Default true; false makes the column NOT NULL (and the attribute non-null in the adapter's types). */
  allowNull?: boolean;
  /** Adds a unique index. */
  unique?: boolean;
  /** A value every dialect stores the same way; makes the attribute optional in createUser and friends. */
  defaultValue?: DefaultValue;
  /** STRING: characters (default 255); DATE: fractional-second digits (default 3). */
  length?: number;
  /** DECIMAL: total digits. */
  precision?: number;
  /** DECIMAL: digits after the point. */
  scale?: number;
}

/** What config `extend` accepts for one column. */
export type CustomColumnInput = ColumnType | DataTypeLike | CustomColumnObject;

export interface ResolvedCustomColumn {
  spec: Omit<ColumnSpec, "attribute" | "column">;
  unique: boolean;
}

/** Why a column entry cannot be used; `field` is the option at fault (`length`), absent when it is the entry itself. */
export class CustomColumnError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const COLUMN_OPTIONS = ["type", "allowNull", "unique", "defaultValue", "length", "precision", "scale"] as const;

/**
 * The shape of `{ type, … }` with exact types; ranges depend on the type and are checked by resolveColumnSize.
 * Built on first use: zod takes a while to load, and most configs have no column in this form.
 */
function buildColumnObjectShape() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { z } = require("zod") as typeof import("zod");
  return z.strictObject({
    type: z.unknown(),
    allowNull: z.boolean({ error: "must be true or false" }).optional(),
    unique: z.boolean({ error: "must be true or false" }).optional(),
    defaultValue: z.union([z.string(), z.number(), z.boolean(), z.null()], { error: "must be a string, a finite number, true, false or null" }).optional(),
    length: z.number({ error: "must be a number" }).int({ error: "must be an integer" }).optional(),
    precision: z.number({ error: "must be a number" }).int({ error: "must be an integer" }).optional(),
    scale: z.number({ error: "must be a number" }).int({ error: "must be an integer" }).optional(),
  });
}
let columnObjectShape: ReturnType<typeof buildColumnObjectShape> | undefined;

function isDataTypeLike(value: unknown): value is DataTypeLike {
  return (typeof value === "function" || (typeof value === "object" && value !== null)) && typeof (value as DataTypeLike).key === "string";
}

function typeNamed(name: string): ColumnType {
  const upper = name.toUpperCase();
  if ((COLUMN_TYPES as readonly string[]).includes(upper)) return upper as ColumnType;
  throw new CustomColumnError(`unknown type ${describeValue(name)}; use one of ${COLUMN_TYPES.join(", ")}`);
}

/** The type and the sizes a type value carries: none for a name, the options of a DataTypes instance. */
function resolveType(value: unknown): { type: ColumnType; size: Partial<Record<SizeField, unknown>>; fromDataType: boolean } {
  if (typeof value === "string") return { type: typeNamed(value), size: {}, fromDataType: false };
  if (isDataTypeLike(value)) {
    const type = typeNamed(value.key);
    // DataTypes.STRING (the class) carries no options; DataTypes.STRING(100) carries { length: 100 }.
    const options: Record<string, unknown> = typeof value === "object" && typeof value.options === "object" && value.options !== null ? value.options : {};
    const own = (key: string) => (Object.hasOwn(options, key) ? options[key] : undefined);
    // DataTypes.INTEGER(11) is MySQL's display width, common in @auth/sequelize-adapter models: it changes
    // no stored value, so it is dropped (a length that is no positive integer still reaches the checks).
    const displayWidth = (type === "INTEGER" || type === "BIGINT") && Number.isSafeInteger(own("length")) && (own("length") as number) > 0;
    return { type, size: { length: displayWidth ? undefined : own("length"), precision: own("precision"), scale: own("scale") }, fromDataType: true };
  }
  throw new CustomColumnError(`has no type; give a type name such as "STRING", an object { type: "STRING" }, or a Sequelize DataTypes value`);
}

function isColumnObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !isDataTypeLike(value) && "type" in value;
}

function parseColumnObject(input: Record<string, unknown>): z.infer<ReturnType<typeof buildColumnObjectShape>> {
  columnObjectShape ??= buildColumnObjectShape();
  const parsed = columnObjectShape.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    throw new CustomColumnError(`is not a column option; use ${COLUMN_OPTIONS.join(", ")}`, String(issue.keys[0]));
  }
  const field = issue.path.map(String).join(".");
  throw new CustomColumnError(`${issue.message}, got ${describeValue(field ? input[field] : input)}`, field || undefined);
}

const FROM_DATA_TYPE = " (in the DataTypes value)";

function sized(type: ColumnType, size: Partial<Record<SizeField, unknown>>, origin: string) {
  try {
    return resolveColumnSize(type, size, origin);
  } catch (error) {
    if (error instanceof ColumnSizeError) throw new CustomColumnError(error.message, error.field);
    throw error;
  }
}

/** Turns one `extend` entry into a column spec; throws CustomColumnError with the reason (the caller names the key). */
export function resolveCustomColumn(input: unknown): ResolvedCustomColumn {
  if (!isColumnObject(input)) {
    if (typeof input === "object" && input !== null && !isDataTypeLike(input)) {
      throw new CustomColumnError(`is an object without "type"; write { type: "STRING", allowNull: true }`);
    }
    const { type, size, fromDataType } = resolveType(input);
    return { spec: { type, ...sized(type, size, fromDataType ? FROM_DATA_TYPE : ""), allowNull: true, custom: true }, unique: false };
  }
  // Only what the shape validated is read from here on: never the input again (its prototype could add fields).
  const column = parseColumnObject(input);
  const { type, size, fromDataType } = resolveType(column.type);
  // A DataTypes value's own options are checked even where an explicit option overrides them.
  if (fromDataType) sized(type, size, FROM_DATA_TYPE);
  const merged = { length: column.length ?? size.length, precision: column.precision ?? size.precision, scale: column.scale ?? size.scale };
  const spec: ResolvedCustomColumn["spec"] = { type, ...sized(type, merged, ""), allowNull: column.allowNull ?? true, custom: true };
  if (column.defaultValue !== undefined) {
    const problem = defaultValueProblem(spec, column.defaultValue);
    if (problem) throw new CustomColumnError(problem, "defaultValue");
    spec.defaultValue = column.defaultValue;
  }
  return { spec, unique: column.unique ?? false };
}
