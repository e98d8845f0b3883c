export * from "./types";
export { buildSchema, tablesInOrder, columnByAttribute, SchemaConfigError, type SchemaOptions } from "./buildSchema";
export { toColumnName, identifierProblem } from "./naming";
export { BUILTIN_LEVEL, EXACT_TEXT_LEVEL } from "./authjsTables";
export type { CustomColumnInput, CustomColumnObject, DataTypeLike } from "./customColumns";
