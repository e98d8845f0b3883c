import type { ColumnType, CustomColumnObject, DataTypeLike, ModelName } from "../schema";

/**
 * A config type with `extend` loosened to "a type name or any object" per column. defineConfig and
 * SequelizeAdapter use it as the constraint of their `const` type parameter, and CheckedConfig checks each
 * column exactly. Why not the exact union as the constraint: editors complete an object literal from the
 * constraint, and the exact union includes the DataTypes shapes, whose `key`, `options` and `toSql` would be
 * offered next to the real options.
 */
export type WithLooseExtend<T> = Omit<T, "extend"> & {
  extend?: Partial<Record<ModelName, Record<string, ColumnType | object>>>;
};

/** What one `extend` entry must be, given what was written: a type name, a DataTypes value, or a column object with real options only. */
export type CheckedColumn<V> = V extends string
  ? ColumnType
  : V extends DataTypeLike
    ? DataTypeLike
    : CustomColumnObject & {
        // A stray option must match this object type, so the compiler's error carries the message. Written out,
        // not named, so the error prints the message rather than a type name; an object, not a string literal,
        // because two different literals intersect to never, which would turn the whole column into never.
        [K in Exclude<keyof V, keyof CustomColumnObject>]: { "is not a column option: use type, allowNull, unique, defaultValue, length, precision or scale": never };
      } & NullDefaultOnNotNull<V>;

/** `allowNull: false` with `defaultValue: null` is refused when the config loads; the types refuse it first. */
type NullDefaultOnNotNull<V> = V extends { readonly allowNull: false; readonly defaultValue: null }
  ? { defaultValue: { "cannot be null when allowNull is false: remove defaultValue or allow null": never } }
  : unknown;

type CheckedColumns<Columns> = { [A in keyof Columns]: CheckedColumn<Columns[A]> };

/**
 * The exact check of a config's `extend`, intersected with the inferred config type in
 * `defineConfig<const C>(config: C & CheckedConfig<C>)`: inference reads C from the argument, and the
 * argument must then also match each column's exact shape. A config whose type does not name its columns
 * (a variable typed AuthdbConfig) was checked by its own type already.
 */
export type CheckedConfig<C> = C extends { readonly extend: infer Extend }
  ? { extend: { [M in keyof Extend]: M extends ModelName ? CheckedColumns<Extend[M]> : never } }
  : unknown;
