/**
 * Code blocks in README.md and docs/ come from files the tests run (scripts/sync-doc-snippets.js copies
 * them): the example apps, and the type fixtures tsc compiles. A marked block must equal its region, and
 * an app-wiring block must be marked.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createTempDir } from "../helpers/databases";
import { ROOT } from "./exampleApp";

interface Problem {
  where: string;
  kind: "stale" | "unmarked" | "source";
  message: string;
}
interface SnippetSync {
  syncDocs(root: string, options?: { write?: boolean }): Problem[];
  codeBlocks(lines: string[]): Array<{ openLine: number; lang: string; body: string[]; source: { file: string; region: string } | null }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { syncDocs, codeBlocks } = require(path.join(ROOT, "scripts", "sync-doc-snippets.js")) as SnippetSync;

test("every snippet in README.md and docs/ is its source's region, unchanged", () => {
  expect(syncDocs(ROOT, { write: false }).map((problem) => problem.message)).toEqual([]);
});

test("the Express wiring in docs/adapter.md is the example's (app.use(\"/auth\"), not the crashing \"/auth/*\")", () => {
  const blocks = codeBlocks(readFileSync(path.join(ROOT, "docs", "adapter.md"), "utf8").split("\n"));
  const express = blocks.filter((block) => block.body.some((line) => line.includes("ExpressAuth(")));
  expect(express.map((block) => block.source)).toEqual([{ file: "examples/express/app.mjs", region: "app" }]);
  expect(express[0].body).toContain('app.use("/auth", ExpressAuth(authConfig));');
  expect(blocks.flatMap((block) => block.body).filter((line) => /app\.use\(\s*["'`]\/auth\/\*/.test(line))).toEqual([]);
});

test("every TypeScript block in docs/typescript.md comes from a type fixture that tsc compiles", () => {
  const blocks = codeBlocks(readFileSync(path.join(ROOT, "docs", "typescript.md"), "utf8").split("\n"));
  const typescript = blocks.filter((block) => ["ts", "tsx", "typescript"].includes(block.lang));
  expect(typescript.length).toBeGreaterThan(0);
  const unmarked = typescript.filter((block) => !block.source?.file.startsWith("test/types/fixtures/"));
  expect(unmarked.map((block) => `docs/typescript.md:${block.openLine + 1}`)).toEqual([]);
});

describe("the snippet checker", () => {
  let temp: { dir: string; cleanup(): void };
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(temp.dir, file)), { recursive: true });
    writeFileSync(path.join(temp.dir, file), text);
  };
  const read = (file: string) => readFileSync(path.join(temp.dir, file), "utf8");
  const fence = "```";

  beforeEach(() => {
    temp = createTempDir("doc-snippets");
    write("examples/app.mjs", ["import x from 'y';", "// #region wiring", "  app.use(auth);", "  app.listen(3000);", "// #endregion wiring", ""].join("\n"));
  });
  afterEach(() => temp.cleanup());

  test("rewrites a marked block that differs from its region (dedented), then finds nothing", () => {
    write("docs/a.md", ["Intro", "", "<!-- snippet: examples/app.mjs#wiring -->", "", `${fence}js`, "app.use(old);", fence, ""].join("\n"));
    expect(syncDocs(temp.dir, { write: false })).toEqual([expect.objectContaining({ where: "docs/a.md:5", kind: "stale" })]);
    expect(read("docs/a.md")).toContain("app.use(old);"); // a check writes nothing

    syncDocs(temp.dir);
    expect(read("docs/a.md")).toBe(["Intro", "", "<!-- snippet: examples/app.mjs#wiring -->", "", `${fence}js`, "app.use(auth);", "app.listen(3000);", fence, ""].join("\n"));
    expect(syncDocs(temp.dir, { write: false })).toEqual([]);
  });

  test("keeps the indentation of a block inside a list item", () => {
    write("README.md", ["- item", "", "  <!-- snippet: examples/app.mjs#wiring -->", `  ${fence}js`, `  ${fence}`, ""].join("\n"));
    syncDocs(temp.dir);
    expect(read("README.md")).toBe(["- item", "", "  <!-- snippet: examples/app.mjs#wiring -->", `  ${fence}js`, "  app.use(auth);", "  app.listen(3000);", `  ${fence}`, ""].join("\n"));
  });

  test.each(["ExpressAuth(config)", "NextAuth({ adapter })", "SvelteKitAuth({})", "Auth(request, config)", 'app.use("/x", y)'])(
    "reports an unmarked block wiring an app: %s",
    (code) => {
      write("docs/b.md", ["Text", "", `${fence}ts`, "import a from 'b'", code, fence, "", `${fence}sh`, "npx authdb migrate", fence, ""].join("\n"));
      const problems = syncDocs(temp.dir, { write: false });
      expect(problems).toEqual([expect.objectContaining({ where: "docs/b.md:3", kind: "unmarked" })]);
      expect(problems[0].message).toContain("comes from no example");
    },
  );

  test("fills a block from a type fixture under test/types/fixtures/, @ts-expect-error lines included", () => {
    write("test/types/fixtures/doc/auth.ts", ["import a from 'b';", "export function f() {", "  // #region calls", "  // @ts-expect-error: 5 is not a string", "  a(5);", "  // #endregion calls", "}", ""].join("\n"));
    write("docs/t.md", ["<!-- snippet: test/types/fixtures/doc/auth.ts#calls -->", `${fence}ts`, fence, ""].join("\n"));
    expect(syncDocs(temp.dir)).toEqual([expect.objectContaining({ where: "docs/t.md:2", kind: "stale" })]);
    expect(read("docs/t.md")).toBe(
      ["<!-- snippet: test/types/fixtures/doc/auth.ts#calls -->", `${fence}ts`, "// @ts-expect-error: 5 is not a string", "a(5);", fence, ""].join("\n"),
    );
    expect(syncDocs(temp.dir, { write: false })).toEqual([]);
  });

  test("reports a marker whose region or file does not exist, or that points outside examples/ and test/types/fixtures/", () => {
    write("examples/other.mjs", "// #region x\nconst a = 1;\n// #endregion x\n");
    write("src/lib.js", "// #region x\nconst a = 1;\n// #endregion x\n");
    write("test/types/other.ts", "// #region x\nconst a = 1;\n// #endregion x\n");
    const markers = [
      "examples/app.mjs#nope",
      "examples/missing.mjs#wiring",
      "src/lib.js#x",
      "examples/../src/lib.js#x", // a prefix that leads elsewhere
      "test/types/other.ts#x", // next to the fixtures, not one of them
    ];
    write("docs/c.md", markers.flatMap((marker) => [`<!-- snippet: ${marker} -->`, `${fence}js`, fence]).join("\n"));
    const outside = "snippets come from examples/ or test/types/fixtures/, which the tests run";
    expect(syncDocs(temp.dir, { write: false }).map((p) => p.message)).toEqual([
      expect.stringMatching(/^docs\/c\.md:2: examples\/app\.mjs#nope: no `\/\/ #region nope`/),
      "docs/c.md:5: examples/missing.mjs#wiring: no such file",
      `docs/c.md:8: src/lib.js#x: ${outside}`,
      `docs/c.md:11: examples/../src/lib.js#x: ${outside}`,
      `docs/c.md:14: test/types/other.ts#x: ${outside}`,
    ]);
  });
});
