export * from "./types";
export { introspectDatabase, listApplicationTables, BOOKKEEPING_TABLES } from "./introspectDatabase";
export { expectedSchema } from "./expectedSchema";
export { diffSchema, type DiffOptions } from "./diffSchema";
export { normalizeMysqlType, normalizePostgresType, normalizeSqliteType } from "./normalizeType";
