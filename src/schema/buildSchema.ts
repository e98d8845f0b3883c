import { AUTHJS_TABLES, BUILTIN_LEVEL, EXACT_TEXT_LEVEL, builtinColumnName } from "./authjsTables";
import { CustomColumnError, resolveCustomColumn, type CustomColumnInput } from "./customColumns";
import { attributeNameProblem, identifierProblem, MAX_IDENTIFIER_LENGTH } from "./naming";
import { MODEL_NAMES, type ColumnSpec, type IndexSpec, type ModelName, type Schema, type TableSpec } from "./types";

export interface SchemaOptions {
  /** Table names other than the defaults (`users`, `accounts`, …). */
  tables?: Partial<Record<ModelName, string>>;
  /** The user's own columns, per model: `{ User: { phoneNumber: "STRING" } }`. */
  extend?: Partial<Record<ModelName, Record<string, CustomColumnInput>>>;
  /** The level of authdb's own table set (authjsTables.ts); default: this version's, BUILTIN_LEVEL. */
  builtinLevel?: number;
}

/** A config value that cannot become a schema; `path` names the config field (`extend.User.phoneNumber`). */
export class SchemaConfigError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
  }
}

function indexName(table: string, columns: string[], unique: boolean): string {
  return `${table}_${columns.join("_")}${unique ? "_unique" : ""}`;
}

/** Only the object's own keys count: an inherited one (`{ __proto__: { User: … } }`) is not config. */
function own<T>(record: Partial<Record<string, T>> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

function tableNameFor(model: ModelName, options: SchemaOptions): string {
  const name = own(options.tables, model) ?? AUTHJS_TABLES[model].defaultTable;
  const problem = identifierProblem(name);
  if (problem) throw new SchemaConfigError(`tables.${model}`, `"${name}" ${problem}`);
  return name;
}

function builtinColumns(model: ModelName, usersTable: string): ColumnSpec[] {
  return AUTHJS_TABLES[model].columns.map(({ referencesUser, ...column }) => {
    const spec: ColumnSpec = { ...column, column: builtinColumnName(column.attribute), allowNull: column.allowNull ?? true };
    if (referencesUser) spec.references = { table: usersTable, column: "id", onDelete: "CASCADE" };
    return spec;
  });
}

function addCustomColumns(table: TableSpec, extend: Record<string, CustomColumnInput>): void {
  for (const [attribute, input] of Object.entries(extend)) {
    const path = `extend.${table.model}.${attribute}`;
    const problem = attributeNameProblem(attribute);
    if (problem) throw new SchemaConfigError(path, `is not a valid column name: it ${problem}; choose another name`);
    const column = builtinColumnName(attribute);
    const clash = table.columns.find((c) => c.attribute === attribute || c.column === column);
    if (clash) {
      throw new SchemaConfigError(
        path,
        `collides with the built-in ${clash.custom ? "custom " : ""}column "${clash.attribute}" (column ${clash.column}) of ${table.table}; choose another name`,
      );
    }
    try {
      const { spec, unique } = resolveCustomColumn(input);
      table.columns.push({ ...spec, attribute, column });
      if (unique) table.indexes.push({ name: indexName(table.table, [column], true), columns: [column], unique: true });
    } catch (error) {
      if (error instanceof CustomColumnError) throw new SchemaConfigError(error.field ? `${path}.${error.field}` : path, error.message);
      throw error;
    }
  }
}

/** Index names derive from the table and column names; a database would silently truncate a long one. */
function assertIndexNamesFit(table: TableSpec, renamed: boolean): void {
  for (const index of table.indexes) {
    if (index.name.length <= MAX_IDENTIFIER_LENGTH) continue;
    const custom = table.columns.find((c) => c.custom && index.columns.includes(c.column));
    const path = custom && !renamed ? `extend.${table.model}.${custom.attribute}` : `tables.${table.model}`;
    throw new SchemaConfigError(
      path,
      `gives the index name "${index.name}" (${index.name.length} characters; databases keep ${MAX_IDENTIFIER_LENGTH}): choose a shorter ${custom && !renamed ? "column" : "table"} name`,
    );
  }
}

/** Resolves the Auth.js table set plus the user's custom columns into one Schema. */
export function buildSchema(options: SchemaOptions = {}): Schema {
  for (const field of ["extend", "tables"] as const) {
    for (const model of Object.keys(options[field] ?? {})) {
      if (!(MODEL_NAMES as readonly string[]).includes(model)) {
        throw new SchemaConfigError(`${field}.${model}`, `is not an Auth.js model; use one of ${MODEL_NAMES.join(", ")}`);
      }
    }
  }
  const usersTable = tableNameFor("User", options);
  const level = options.builtinLevel ?? BUILTIN_LEVEL;
  const tables = {} as Record<ModelName, TableSpec>;
  const seen = new Map<string, ModelName>();
  for (const model of MODEL_NAMES) {
    const table = tableNameFor(model, options);
    const other = seen.get(table);
    if (other) throw new SchemaConfigError(`tables.${model}`, `"${table}" is already the table of ${other}`);
    seen.set(table, model);
    const builtin = AUTHJS_TABLES[model];
    const spec: TableSpec = { model, table, ...(level >= EXACT_TEXT_LEVEL ? { exactText: true } : {}), columns: builtinColumns(model, usersTable), indexes: [] };
    const columnOf = (attribute: string) => spec.columns.find((c) => c.attribute === attribute)!.column;
    const keyIndexes: IndexSpec[] = [
      ...builtin.unique.map((attrs) => ({ columns: attrs.map(columnOf), unique: true })),
      ...builtin.indexed.map((attrs) => ({ columns: attrs.map(columnOf), unique: false })),
      ...(builtin.indexedSince ?? [])
        .filter((index) => index.level <= level)
        .map((index) => ({ columns: index.attributes.map(columnOf), unique: false })),
    ].map((index) => ({ ...index, name: indexName(table, index.columns, index.unique) }));
    spec.indexes.push(...keyIndexes);
    addCustomColumns(spec, own(options.extend, model) ?? {});
    assertIndexNamesFit(spec, own(options.tables, model) !== undefined);
    tables[model] = spec;
  }
  return { tables };
}

/** Tables in creation order; drop them in the reverse order. */
export function tablesInOrder(schema: Schema): TableSpec[] {
  return MODEL_NAMES.map((model) => schema.tables[model]);
}

export function columnByAttribute(table: TableSpec, attribute: string): ColumnSpec | undefined {
  return table.columns.find((c) => c.attribute === attribute);
}
