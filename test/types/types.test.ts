import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * The package's types as a strict TypeScript app sees them: fixture files compiled by the project's own tsc
 * against the built dist/*.d.ts (reached through package.json "exports"), with `// @ts-expect-error` lines
 * that fail the compile if a wrong use is accepted. `npm run build` first (npm test does).
 */
const ROOT = path.join(__dirname, "..", "..");
const TSC = path.join(ROOT, "node_modules", ".bin", "tsc");
const TYPES = path.join(ROOT, "test", "types");
const PROJECTS = {
  "adapter, config and module systems": path.join(TYPES, "tsconfig.json"),
  "module augmentation of @auth/core's User and Session": path.join(TYPES, "fixtures", "augmentation", "tsconfig.json"),
  "module augmentation through a framework's re-export (as next-auth)": path.join(TYPES, "fixtures", "reexport-augmentation", "tsconfig.json"),
};

/** One compile per project, listing the files it read: diagnostics and file names come apart by their form. */
const compiled = new Map<string, { status: number | null; errors: string; files: string[] }>();
function compile(project: string) {
  if (!compiled.has(project)) {
    const result = spawnSync(TSC, ["--noEmit", "--listFiles", "-p", project], { cwd: ROOT, encoding: "utf8" });
    const lines = `${result.stdout}${result.stderr}`.split("\n").filter(Boolean);
    compiled.set(project, {
      status: result.status,
      errors: lines.filter((line) => !path.isAbsolute(line)).join("\n"),
      files: lines.filter((line) => path.isAbsolute(line)).map((file) => path.relative(ROOT, file)),
    });
  }
  return compiled.get(project)!;
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, "dist", "index.d.ts"))) throw new Error("dist/index.d.ts is missing: run `npm run build` first");
});

describe.each(Object.entries(PROJECTS))("type fixtures: %s", (_, project) => {
  test("compile with no error", () => {
    const { status, errors } = compile(project);
    // The compiler's own output is the failure message: file, line and the error.
    expect(errors).toBe("");
    expect(status).toBe(0);
  });

  test("see authdb as published: dist/*.d.ts, never src/", () => {
    const { files } = compile(project);
    expect(files).toContain(path.join("dist", "index.d.ts"));
    expect(files.filter((file) => file.startsWith(`src${path.sep}`))).toEqual([]);
  });
});

test("the ES module fixtures read the ES module face, dist/index.d.mts", () => {
  expect(compile(PROJECTS["adapter, config and module systems"]).files).toContain(path.join("dist", "index.d.mts"));
});

/** An editor's view of one fixture file, whose text is `source` (the other files as they are on disk). */
function languageService(file: string, source: string) {
  const { options } = ts.getParsedCommandLineOfConfigFile(PROJECTS["adapter, config and module systems"], {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  return ts.createLanguageService({
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (name) => (existsSync(name) ? ts.ScriptSnapshot.fromString(name === file ? source : readFileSync(name, "utf8")) : undefined),
    getCurrentDirectory: () => ROOT,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (settings) => ts.getDefaultLibFilePath(settings),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
}

describe("editor completion inside a column object", () => {
  const file = path.join(TYPES, "fixtures", "completions", "column-object.ts");
  const source = readFileSync(file, "utf8");
  const service = languageService(file, source);
  const markers = [...source.matchAll(/\/\*\|\*\//g)].map((match) => match.index!);
  const completionsAt = (position: number) =>
    (service.getCompletionsAtPosition(file, position, {})?.entries ?? [])
      .filter((entry) => entry.kind === ts.ScriptElementKind.memberVariableElement || entry.kind === ts.ScriptElementKind.memberFunctionElement)
      .map((entry) => entry.name)
      .sort();
  const OPTIONS = ["allowNull", "defaultValue", "length", "precision", "scale", "type", "unique"];

  test("the fixture has its three markers", () => expect(markers).toHaveLength(3));

  test("defineConfig offers the real options only: no key, no options", () => {
    expect(completionsAt(markers[0]!)).toEqual(OPTIONS);
  });

  test("after `type`, the remaining options", () => {
    expect(completionsAt(markers[1]!)).toEqual(OPTIONS.filter((name) => name !== "type"));
  });

  test("a literal passed straight to SequelizeAdapter gets the same list", () => {
    expect(completionsAt(markers[2]!)).toEqual(OPTIONS);
  });
});

test("docs/typescript.md quotes the compiler's error for a misspelt column option, which names the real options", () => {
  // config-checks.ts without the @ts-expect-error line of its `lenght` call: the error a reader would get.
  const file = path.join(TYPES, "fixtures", "config-checks.ts");
  const directive = /^\/\/ @ts-expect-error: "lenght".*$/m;
  const original = readFileSync(file, "utf8");
  expect(original).toMatch(directive);
  const source = original.replace(directive, "");
  const at = source.indexOf("lenght: 20");
  const errors = languageService(file, source)
    .getSemanticDiagnostics(file)
    .filter((diagnostic) => diagnostic.start === at)
    .map((diagnostic) => `error TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
  expect(errors).toEqual([expect.stringContaining("is not a column option: use type, allowNull, unique, defaultValue, length, precision or scale")]);
  expect(readFileSync(path.join(ROOT, "docs", "typescript.md"), "utf8")).toContain(errors[0]);
});
