import { COLUMN_TYPES, type ColumnSpec, type ColumnType, type DefaultValue } from "./types";

/** A Sequelize DataTypes value (`DataTypes.STRING`, `DataTypes.STRING(100)`), recognised by its `key`. */
export interface DataTypeLike {
  key: string;
  options?: { length?: number; precision?: number; scale?: number };
}

export interface CustomColumnObject {
  type: ColumnType | DataTypeLike;
  allowNull?: boolean;
  unique?: boolean;
  defaultValue?: DefaultValue;
  length?: number;
  precision?: number;
  scale?: number;
}

/** What config `extend` accepts for one column. */
export type CustomColumnInput = ColumnType | DataTypeLike | CustomColumnObject;

export interface ResolvedCustomColumn {
  spec: Omit<ColumnSpec, "attribute" | "column">;
  unique: boolean;
}

export class CustomColumnError extends Error {}

function isDataTypeLike(value: unknown): value is DataTypeLike {
  return (typeof value === "function" || (typeof value === "object" && value !== null)) && typeof (value as DataTypeLike).key === "string";
}

function resolveType(value: unknown): { type: ColumnType; length?: number; precision?: number; scale?: number } {
  if (typeof value === "string") {
    const upper = value.toUpperCase();
    if ((COLUMN_TYPES as readonly string[]).includes(upper)) return { type: upper as ColumnType };
    throw new CustomColumnError(`unknown type "${value}"; use one of ${COLUMN_TYPES.join(", ")}`);
  }
  if (isDataTypeLike(value)) {
    const resolved = resolveType(value.key);
    const options = value.options ?? {};
    // DataTypes.STRING (the class) carries no options; DataTypes.STRING(100) carries { length: 100 }.
    if (typeof value === "object") {
      if (typeof options.length === "number") resolved.length = options.length;
      if (typeof options.precision === "number") resolved.precision = options.precision;
      if (typeof options.scale === "number") resolved.scale = options.scale;
    }
    return resolved;
  }
  throw new CustomColumnError(`has no type; give a type name such as "STRING", an object { type: "STRING" }, or a Sequelize DataTypes value`);
}

function isColumnObject(value: unknown): value is CustomColumnObject {
  return typeof value === "object" && value !== null && !isDataTypeLike(value) && "type" in value;
}

/** Turns one `extend` entry into a column spec; throws CustomColumnError with the reason (the caller names the key). */
export function resolveCustomColumn(input: unknown): ResolvedCustomColumn {
  if (!isColumnObject(input)) {
    if (typeof input === "object" && input !== null && !isDataTypeLike(input)) {
      throw new CustomColumnError(`is an object without "type"; write { type: "STRING", allowNull: true }`);
    }
    const { type, ...size } = resolveType(input);
    return { spec: { type, ...withDefaultLength(type, size), allowNull: true, custom: true }, unique: false };
  }
  const { type, ...size } = resolveType(input.type);
  const explicitSize = { length: input.length ?? size.length, precision: input.precision ?? size.precision, scale: input.scale ?? size.scale };
  if (input.allowNull !== undefined && typeof input.allowNull !== "boolean") throw new CustomColumnError(`has allowNull that is not true or false`);
  if (input.unique !== undefined && typeof input.unique !== "boolean") throw new CustomColumnError(`has unique that is not true or false`);
  const spec: ResolvedCustomColumn["spec"] = {
    type,
    ...withDefaultLength(type, explicitSize),
    allowNull: input.allowNull ?? true,
    custom: true,
  };
  if (input.defaultValue !== undefined) spec.defaultValue = input.defaultValue;
  return { spec, unique: input.unique ?? false };
}

function withDefaultLength(type: ColumnType, size: { length?: number; precision?: number; scale?: number }) {
  const out: { length?: number; precision?: number; scale?: number } = {};
  if (type === "STRING") out.length = size.length ?? 255;
  if (type === "DATE") out.length = size.length ?? 3;
  if (type === "DECIMAL") {
    if (size.precision !== undefined) out.precision = size.precision;
    if (size.scale !== undefined) out.scale = size.scale;
  }
  return out;
}
