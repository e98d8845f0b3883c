// Code blocks in the docs are copied from files the tests run, so they cannot rot: the example apps
// (examples/) and the type fixtures that tsc compiles (test/types/fixtures/). A fenced block whose last
// non-blank line before it is
//   <!-- snippet: examples/express/app.mjs#app -->
// holds the lines between `// #region app` and `// #endregion app` of that file.
//
//   node scripts/sync-doc-snippets.js          rewrite the marked blocks from their sources
//   node scripts/sync-doc-snippets.js --check  change nothing; exit 1 listing blocks that differ from their
//                                              source and app-wiring blocks that come from no example
// test/examples/doc-snippets.test.ts runs the check.
const { existsSync, readdirSync, readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const MARKER = /^\s*<!--\s*snippet:\s*(\S+?)#([\w-]+)\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})/;
/** Where snippets may come from: folders whose files the tests run (the apps, and tsc on the type fixtures). */
const SOURCE_DIRS = ["examples/", "test/types/fixtures/"];
/** A block containing one of these wires an app to Auth.js, so it must come from an example. */
const APP_WIRING = ["ExpressAuth(", "NextAuth(", "app.use(", "Auth("];

/** README.md and every Markdown file under docs/, as paths relative to `root`. */
function docFiles(root) {
  const walk = (dir) =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return walk(relative);
      return entry.name.endsWith(".md") ? [relative] : [];
    });
  return [...(existsSync(path.join(root, "README.md")) ? ["README.md"] : []), ...(existsSync(path.join(root, "docs")) ? walk("docs") : [])];
}

/** The fenced code blocks of a Markdown text, with their language and the snippet marker above each, if any. */
function codeBlocks(lines) {
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence] = open;
    let close = i + 1;
    while (close < lines.length && !(lines[close].trim().startsWith(fence[0].repeat(fence.length)) && lines[close].trim().replace(/[`~]/g, "") === "")) close++;
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === "") above--;
    const marker = above >= 0 ? MARKER.exec(lines[above]) : null;
    blocks.push({
      openLine: i,
      closeLine: close,
      indent,
      lang: lines[i].slice(open[0].length).trim().split(/\s/)[0],
      body: lines.slice(i + 1, close),
      source: marker ? { file: marker[1], region: marker[2] } : null,
    });
    i = close;
  }
  return blocks;
}

/** The lines of `// #region name` … `// #endregion name` in a source file, without their common indentation. */
function readRegion(root, { file, region }) {
  // Normalized first, so that `examples/../src/x.js` is judged by where it leads.
  const normalized = path.posix.normalize(file);
  if (!SOURCE_DIRS.some((dir) => normalized.startsWith(dir))) {
    throw new Error(`${file}#${region}: snippets come from ${SOURCE_DIRS.join(" or ")}, which the tests run`);
  }
  const full = path.join(root, normalized);
  if (!existsSync(full)) throw new Error(`${file}#${region}: no such file`);
  const lines = readFileSync(full, "utf8").split("\n");
  const start = lines.findIndex((line) => line.trim() === `// #region ${region}`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === `// #endregion ${region}`);
  if (start < 0 || end < 0) throw new Error(`${file}#${region}: no \`// #region ${region}\` … \`// #endregion ${region}\` in the file`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim()).map((line) => /^\s*/.exec(line)[0].length));
  return body.map((line) => line.slice(indent).trimEnd());
}

/**
 * One Markdown text with every marked block rewritten from its source, and the problems found:
 * marked blocks that differed (`stale`), app-wiring blocks without a marker, sources that cannot be read.
 */
function syncText(root, file, text) {
  const lines = text.split("\n");
  const problems = [];
  // Rewrite from the last block up, so earlier line numbers stay valid.
  for (const block of codeBlocks(lines).reverse()) {
    const where = `${file}:${block.openLine + 1}`;
    if (!block.source) {
      const wiring = APP_WIRING.find((call) => block.body.some((line) => line.includes(call)));
      if (wiring) {
        problems.unshift({
          where,
          kind: "unmarked",
          message: `${where}: this code block wires an app (it contains \`${wiring}\`) but comes from no example. Put the code in an example under examples/ between \`// #region name\` and \`// #endregion name\`, mark the block with <!-- snippet: examples/…#name -->, and run \`npm run docs:snippets\`.`,
        });
      }
      continue;
    }
    let region;
    try {
      region = readRegion(root, block.source);
    } catch (error) {
      problems.unshift({ where, kind: "source", message: `${where}: ${error.message}` });
      continue;
    }
    const wanted = region.map((line) => (line ? block.indent + line : line));
    if (wanted.join("\n") !== block.body.join("\n")) {
      const { file: source, region: name } = block.source;
      problems.unshift({
        where,
        kind: "stale",
        message: `${where}: the block marked ${source}#${name} differs from its source. Run \`npm run docs:snippets\` (edit ${source}, not the doc).`,
      });
      lines.splice(block.openLine + 1, block.body.length, ...wanted);
    }
  }
  return { text: lines.join("\n"), problems };
}

/** Syncs (or with `write: false` only checks) every doc file under `root`; returns the problems found. */
function syncDocs(root = ROOT, { write = true } = {}) {
  const problems = [];
  for (const file of docFiles(root)) {
    const before = readFileSync(path.join(root, file), "utf8");
    const result = syncText(root, file, before);
    problems.push(...result.problems);
    if (write && result.text !== before) writeFileSync(path.join(root, file), result.text);
  }
  return problems;
}

module.exports = { APP_WIRING, SOURCE_DIRS, codeBlocks, docFiles, readRegion, syncDocs, syncText };

if (require.main === module) {
  const check = process.argv.includes("--check");
  const problems = syncDocs(ROOT, { write: !check });
  // Written blocks are fixed; what remains needs a person (or, with --check, a run without it).
  const remaining = check ? problems : problems.filter((problem) => problem.kind !== "stale");
  for (const problem of problems.filter((p) => p.kind === "stale" && !check)) console.log(`updated ${problem.where}`);
  for (const problem of remaining) console.error(problem.message);
  process.exitCode = remaining.length ? 1 : 0;
}
