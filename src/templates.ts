import { readFileSync } from "node:fs";
import path from "node:path";

export const TEMPLATES_DIR = path.resolve(__dirname, "..", "templates");

export type TemplateName = "initial-migration.js" | "initial-migration-v1.js" | "change-migration.js" | "empty-migration.js" | "authdb.config.js" | "authdb.config.esm.js";

/** Fills `{{key}}` placeholders; a placeholder without a value is a bug in the caller, so it throws. */
export function renderTemplate(name: TemplateName, values: Record<string, string>): string {
  const source = readFileSync(path.join(TEMPLATES_DIR, `${name}.tmpl`), "utf8");
  return source.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template ${name} needs a value for {{${key}}}`);
    return values[key];
  });
}
