import { readFileSync } from "node:fs";
import path from "node:path";
import { EXIT_CODES_HELP } from "../../src/cli/exitCodesHelp";
import { ExitCode } from "../../src/errors";

/** The CI contract is published twice (docs/cli.md and `authdb --help`); both must list exactly the codes the code uses. */
const codes = [...new Set<number>(Object.values(ExitCode))].sort((a, b) => a - b);

test("every exit code is distinct", () => {
  expect(codes).toHaveLength(Object.keys(ExitCode).length);
});

test("docs/cli.md's exit-code table lists exactly the codes in src/errors.ts", () => {
  const doc = readFileSync(path.join(__dirname, "..", "..", "docs", "cli.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Exit codes"), doc.indexOf("\n## ", doc.indexOf("## Exit codes") + 1));
  const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
  expect(documented).toEqual(codes);
});

test("`authdb --help` lists exactly the codes in src/errors.ts", () => {
  const listed = [...EXIT_CODES_HELP.matchAll(/^ {2}(\d+) {2}\S/gm)].map((m) => Number(m[1]));
  expect(listed).toEqual(codes);
});
