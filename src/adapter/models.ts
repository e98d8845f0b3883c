import { DataTypes, type ModelAttributeColumnOptions, type ModelAttributes } from "sequelize";
import { buildSchema, MODEL_NAMES, type ColumnSpec, type ModelName, type TableSpec } from "../schema";

/** A fresh DataTypes instance for a column (never a shared one: Sequelize rewrites types per dialect). */
function dataType(column: ColumnSpec) {
  switch (column.type) {
    case "STRING":
      return DataTypes.STRING(column.length ?? 255);
    case "DATE":
      return DataTypes.DATE(column.length);
    case "DECIMAL":
      return column.precision !== undefined ? DataTypes.DECIMAL(column.precision, column.scale) : DataTypes.DECIMAL();
    default:
      return (DataTypes[column.type] as unknown as () => ModelAttributeColumnOptions["type"])();
  }
}

/** One model's attribute map, built from the Schema: explicit snake_case `field`, the migrated types. */
function attributesOf(table: TableSpec): ModelAttributes {
  const attributes: ModelAttributes = {};
  for (const column of table.columns) {
    const options: ModelAttributeColumnOptions = { type: dataType(column), allowNull: column.allowNull, field: column.column };
    if (column.primaryKey) options.primaryKey = true;
    if (column.primaryKey && column.type === "UUID" && column.attribute === "id") options.defaultValue = DataTypes.UUIDV4;
    attributes[column.attribute] = options;
  }
  return attributes;
}

export type AuthjsModels = Record<ModelName, ModelAttributes>;

/**
 * The Auth.js attribute maps in the @auth/sequelize-adapter style:
 * `sequelize.define("user", { ...models.User, phoneNumber: DataTypes.STRING })`.
 * Each access returns new objects, so what Sequelize's `define` normalises in place for one instance
 * (types are swapped for dialect types) never leaks into another instance or into these exports.
 */
export const models: AuthjsModels = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(
      MODEL_NAMES.map((model) => [model, { enumerable: true, get: () => attributesOf(buildSchema().tables[model]) }]),
    ),
  ),
) as AuthjsModels;
