import { statementBody } from "./previewMode";

/**
 * What a MySQL/MariaDB statement captured in preview mode does to existing data, for `down`'s data-loss
 * check there (PostgreSQL and SQLite try the revert in a transaction and compare instead). Deliberately
 * narrow: a statement is loss-free, a drop, or a column change to weigh against the column's current type;
 * everything else is "unknown" and the revert stays refused unless --accept-data-loss.
 */
export type RevertEffect =
  | { kind: "none" }
  | { kind: "drop-table"; table: string }
  | { kind: "drop-column"; table: string; column: string }
  /** CHANGE/MODIFY: keeps the values if `definition` is the same type or a wider one (or the column is empty). */
  | { kind: "change-column"; table: string; column: string; definition: string }
  | { kind: "rename-table"; from: string; to: string }
  | { kind: "rename-column"; table: string; from: string; to: string }
  | { kind: "unknown" };

const NONE = { kind: "none" } as const;
const UNKNOWN = { kind: "unknown" } as const;

/** A reader over one statement's text: identifiers (`quoted` or bare, maybe `db`.`table`), keywords, the rest. */
class Cursor {
  private at = 0;
  constructor(private readonly text: string) {}
  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }
  /** Consumes the keywords (case-insensitive, in order) when they come next; says whether they did. */
  keyword(...words: string[]): boolean {
    const start = this.at;
    for (const word of words) {
      this.skipSpace();
      const next = this.text.slice(this.at, this.at + word.length);
      if (next.toUpperCase() !== word || /[\w$]/.test(this.text[this.at + word.length] ?? "")) {
        this.at = start;
        return false;
      }
      this.at += word.length;
    }
    return true;
  }
  /** One name part: `back``ticked` or bare. */
  private part(): string | null {
    this.skipSpace();
    if (this.text[this.at] === "`") {
      let name = "";
      for (let i = this.at + 1; i < this.text.length; i++) {
        if (this.text[i] === "`") {
          if (this.text[i + 1] === "`") {
            name += "`";
            i++;
            continue;
          }
          this.at = i + 1;
          return name;
        }
        name += this.text[i];
      }
      return null;
    }
    const bare = /^[\w$]+/.exec(this.text.slice(this.at));
    if (!bare) return null;
    this.at += bare[0].length;
    return bare[0];
  }
  /** A table or column name; of `db`.`table`, the table (authdb works in the connection's database). */
  name(): string | null {
    let name = this.part();
    while (name !== null && this.text[this.at] === ".") {
      this.at++;
      name = this.part();
    }
    return name;
  }
  rest(): string {
    return this.text.slice(this.at).trim();
  }
  atEnd(): boolean {
    return /^\s*;?\s*$/.test(this.text.slice(this.at));
  }
}

/** Splits at the commas outside parentheses and quotes (the specifications of one ALTER TABLE). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\" && quote !== "`") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim().replace(/;\s*$/, "")).filter(Boolean);
}

/** Session and transaction statements: they change no stored data. */
const SESSION = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET|USE)\b/i;
/** Table options and ALTER clauses that keep every row and value as it is. */
const KEEPS_DATA_CLAUSE =
  /^(ADD|ALGORITHM|LOCK|FORCE|ENGINE|AUTO_INCREMENT|COMMENT|ROW_FORMAT|KEY_BLOCK_SIZE|STATS_\w+|PACK_KEYS|CHECKSUM|DEFAULT\s+(CHARACTER\s+SET|CHARSET|COLLATE)|CHARACTER\s+SET|CHARSET|COLLATE|ENABLE\s+KEYS|DISABLE\s+KEYS|ALTER\s+(INDEX|KEY|CHECK|CONSTRAINT)|RENAME\s+(INDEX|KEY)|ORDER\s+BY)\b/i;

/** The effects of one ALTER TABLE's specifications on `table`. */
function alterEffects(table: string, specs: string): RevertEffect[] {
  return splitTopLevel(specs).flatMap((spec): RevertEffect | RevertEffect[] => {
    const clause = new Cursor(spec);
    if (clause.keyword("DROP")) {
      if (clause.keyword("INDEX") || clause.keyword("KEY") || clause.keyword("FOREIGN", "KEY") || clause.keyword("PRIMARY", "KEY") || clause.keyword("CONSTRAINT") || clause.keyword("CHECK")) return NONE;
      if (clause.keyword("UNIQUE") || clause.keyword("SYSTEM", "VERSIONING")) return NONE;
      if (clause.keyword("PARTITION")) return UNKNOWN;
      clause.keyword("COLUMN");
      clause.keyword("IF", "EXISTS");
      const column = clause.name();
      return column && /^\s*(RESTRICT|CASCADE)?\s*$/i.test(clause.rest()) ? { kind: "drop-column", table, column } : UNKNOWN;
    }
    if (clause.keyword("ALTER")) {
      clause.keyword("COLUMN");
      clause.name();
      // Only the column's default changes.
      return /^(SET\s+DEFAULT\b|DROP\s+DEFAULT\s*$)/i.test(clause.rest()) ? NONE : UNKNOWN;
    }
    if (/^RENAME\s+(INDEX|KEY)\b/i.test(spec)) return NONE;
    if (clause.keyword("RENAME", "COLUMN")) {
      const from = clause.name();
      const to = clause.keyword("TO") ? clause.name() : null;
      return from && to ? { kind: "rename-column", table, from, to } : UNKNOWN;
    }
    if (clause.keyword("RENAME")) {
      if (!clause.keyword("TO")) clause.keyword("AS");
      const to = clause.name();
      return to && clause.atEnd() ? { kind: "rename-table", from: table, to } : UNKNOWN;
    }
    if (clause.keyword("CHANGE")) {
      clause.keyword("COLUMN");
      clause.keyword("IF", "EXISTS");
      const from = clause.name();
      const to = clause.name();
      if (!from || !to) return UNKNOWN;
      // A new definition (weighed against the column's current type), and maybe a new name (Sequelize's renameColumn).
      const change: RevertEffect = { kind: "change-column", table, column: from, definition: clause.rest() };
      return from === to ? change : [change, { kind: "rename-column", table, from, to }];
    }
    if (clause.keyword("MODIFY")) {
      clause.keyword("COLUMN");
      clause.keyword("IF", "EXISTS");
      const column = clause.name();
      return column ? { kind: "change-column", table, column, definition: clause.rest() } : UNKNOWN;
    }
    if (/^CONVERT\b/i.test(spec)) return UNKNOWN;
    return KEEPS_DATA_CLAUSE.test(spec) ? NONE : UNKNOWN;
  });
}

/** The effects of one captured statement (several for an ALTER TABLE with several clauses, or a DROP TABLE of several tables). */
export function revertEffects(sql: string): RevertEffect[] {
  const body = statementBody(sql);
  if (!body.trim() || SESSION.test(body)) return [NONE];
  const statement = new Cursor(body);
  if (statement.keyword("DROP")) {
    statement.keyword("TEMPORARY");
    if (statement.keyword("TABLE") || statement.keyword("TABLES")) {
      statement.keyword("IF", "EXISTS");
      const tables = splitTopLevel(statement.rest().replace(/\b(RESTRICT|CASCADE)\s*;?\s*$/i, ""));
      const effects: RevertEffect[] = [];
      for (const text of tables) {
        const table = new Cursor(text).name();
        effects.push(table ? { kind: "drop-table", table } : UNKNOWN);
      }
      return effects;
    }
    // An index, a view, a trigger, a routine: no stored rows go with it.
    if (statement.keyword("INDEX") || statement.keyword("VIEW") || statement.keyword("TRIGGER") || statement.keyword("PROCEDURE") || statement.keyword("FUNCTION")) return [NONE];
    return [UNKNOWN];
  }
  if (statement.keyword("CREATE")) {
    // MariaDB's CREATE OR REPLACE TABLE drops the table it replaces.
    if (statement.keyword("OR", "REPLACE", "TABLE")) {
      const table = statement.name();
      return [table ? { kind: "drop-table", table } : UNKNOWN];
    }
    return [NONE];
  }
  if (statement.keyword("ALTER")) {
    statement.keyword("ONLINE");
    // ALTER IGNORE TABLE … ADD UNIQUE deletes the rows that would break the key: not loss-free.
    if (statement.keyword("IGNORE")) return [UNKNOWN];
    if (!statement.keyword("TABLE")) return [NONE]; // ALTER VIEW / DATABASE / EVENT…: no table data
    const table = statement.name();
    return table ? alterEffects(table, statement.rest()) : [UNKNOWN];
  }
  if (statement.keyword("RENAME", "TABLE")) {
    return splitTopLevel(statement.rest()).map((pair): RevertEffect => {
      const names = new Cursor(pair);
      const from = names.name();
      const to = names.keyword("TO") ? names.name() : null;
      return from && to ? { kind: "rename-table", from, to } : UNKNOWN;
    });
  }
  // A plain INSERT adds rows; one that updates or replaces on a duplicate key does not only add.
  if (statement.keyword("INSERT") && !/\bON\s+DUPLICATE\s+KEY\s+UPDATE\b/i.test(body)) return [NONE];
  return [UNKNOWN];
}
