import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * A reader copies README's install line, then its snippets: every package a snippet imports must be on
 * that line, or the first run fails with "Cannot find module".
 */
const README = readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

function codeBlocks(language: RegExp): string[] {
  return [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].filter((m) => language.test(m[1])).map((m) => m[2]);
}

/** `@auth/express/providers` → `@auth/express`, `sequelize/lib/x` → `sequelize`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function importedPackages(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]);
  return specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:") && !builtinModules.includes(s)).map(packageOf);
}

test("README's install line names every package its code snippets import", () => {
  const installLines = codeBlocks(/^(sh|bash|)$/).flatMap((block) => block.split("\n")).filter((line) => /^\s*npm install\s/.test(line));
  expect(installLines).toHaveLength(1);
  const installed = installLines[0].replace(/#.*/, "").trim().split(/\s+/).slice(2).filter((word) => !word.startsWith("-"));
  expect(installed).toEqual(expect.arrayContaining(["authdb", "sequelize", "pg"]));

  const imported = new Set(codeBlocks(/^(js|ts|javascript|typescript|mjs)$/).flatMap(importedPackages));
  expect(imported.size).toBeGreaterThan(0);
  for (const name of imported) expect(installed).toContain(name);
});

test("the import scanner sees the forms a snippet uses", () => {
  expect(importedPackages(`import SequelizeAdapter from "authdb";\nimport { x } from "./local.mjs";\nconst pg = require("pg");\nimport "dotenv/config";\nimport { ExpressAuth } from "@auth/express/providers";\nimport fs from "node:fs";`)).toEqual([
    "authdb",
    "pg",
    "dotenv",
    "@auth/express",
  ]);
});
