import { performance } from "node:perf_hooks";
import { QueryTypes, type Sequelize } from "sequelize";
import { quoteIdentifier } from "../database";
import { qualifiedName, resolveSchema } from "../database/catalog";
import type { RowCheck } from "./analyzeLayout";
import type { BaselineListener } from "./events";

/** Rows that a step of the adoption migration would not survive: baseline stops and names them. */
export interface RowProblem {
  check: RowCheck;
  /** Rows (or groups of duplicate rows) affected. */
  count: number;
  /** One line each, at most SAMPLE_SIZE: the values that collide, or the key of the row. */
  sample: string[];
  message: string;
}

const SAMPLE_SIZE = 10;

function show(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * Looks at the rows behind each check, read-only. The migration checks again when it runs (rows change
 * between baseline and migrate); checking here means a blocked adoption writes nothing at all.
 */
export async function findRowProblems(sequelize: Sequelize, checks: RowCheck[], primaryKeys: Record<string, string[]>, onEvent?: BaselineListener): Promise<RowProblem[]> {
  const schema = await resolveSchema(sequelize);
  const problems: RowProblem[] = [];
  for (const [index, check] of checks.entries()) {
    onEvent?.({ type: "checking-rows", check, index, total: checks.length, description: describeCheck(check) });
    const started = performance.now();
    const problem = await checkRows(sequelize, schema, check, primaryKeys);
    if (problem) problems.push(problem);
    onEvent?.({ type: "checked-rows", check, index, total: checks.length, count: problem?.count ?? 0, durationMs: performance.now() - started });
  }
  return problems;
}

/** A check in a few words, for progress: what it looks for, in which table. */
function describeCheck(check: RowCheck): string {
  if (check.kind === "unique") return `${check.table}: duplicate (${check.columns.join(", ")})`;
  if (check.kind === "not-null") return `${check.table}: NULL in ${check.column}`;
  return `${check.table}: (${check.key.columns.join(", ")}) without a row in ${check.key.table}`;
}

/** The rows behind one check that the adoption would not keep, or null when there are none. */
async function checkRows(sequelize: Sequelize, schema: string | null, check: RowCheck, primaryKeys: Record<string, string[]>): Promise<RowProblem | null> {
  const q = (name: string) => quoteIdentifier(sequelize, name);
  const select = <T extends object>(sql: string) => sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  const table = qualifiedName(sequelize, check.table, schema);
  if (check.kind === "unique") {
    const columns = check.columns.map(q).join(", ");
    const groups = await select<Record<string, unknown>>(`SELECT ${columns}, COUNT(*) AS copies FROM ${table} GROUP BY ${columns} HAVING COUNT(*) > 1 ORDER BY COUNT(*) DESC`);
    if (!groups.length) return null;
    const sample = groups.slice(0, SAMPLE_SIZE).map((g) => `(${check.columns.map((c) => show(g[c])).join(", ")}): ${Number(g.copies)} rows`);
    return {
      check,
      count: groups.length,
      sample,
      message: `${check.table}: ${groups.length} value${groups.length === 1 ? "" : "s"} of (${check.columns.join(", ")}) ${groups.length === 1 ? "is" : "are"} shared by several rows, so the unique key ${check.key} cannot be added`,
    };
  }
  const key = (primaryKeys[check.table] ?? []).filter(Boolean);
  const shown = key.length ? key.map(q).join(", ") : "*";
  const where =
    check.kind === "not-null"
      ? `${q(check.column)} IS NULL`
      : `${check.key.columns.map((c) => `${q(c)} IS NOT NULL`).join(" AND ")} AND NOT EXISTS (SELECT 1 FROM ${qualifiedName(sequelize, check.key.table, schema)} r WHERE ${check.key.columns
          .map((c, i) => `r.${q(check.key.referencedColumns[i]!)} = ${table}.${q(c)}`)
          .join(" AND ")})`;
  const [{ n }] = await select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`);
  const count = Number(n);
  if (!count) return null;
  const rows = await select<Record<string, unknown>>(`SELECT ${shown} FROM ${table} WHERE ${where} LIMIT ${SAMPLE_SIZE}`);
  const sample = rows.map((row) => (key.length ? key.map((c) => `${c} ${show(row[c])}`).join(", ") : JSON.stringify(row)));
  const what = count === 1 ? "row" : "rows";
  return {
    check,
    count,
    sample,
    message:
      check.kind === "not-null"
        ? `${check.table}: ${count} ${what} ${count === 1 ? "has" : "have"} no ${check.column}, which authdb's layout makes NOT NULL`
        : `${check.table}: ${count} ${what} point${count === 1 ? "s" : ""} through (${check.key.columns.join(", ")}) at no row of ${check.key.table}, so the foreign key cannot be added`,
  };
}
