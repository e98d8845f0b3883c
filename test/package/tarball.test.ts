import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createTempDir } from "../helpers/databases";

/**
 * The package as npm publishes it (`npm pack`; npm test has just built dist/): what it ships, what it
 * leaves out, and that it works on its own once unpacked, with only its dependencies beside it.
 */
const ROOT = path.join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Every `docsFile("x.md")` the code names in a hint or help text. */
function docsNamedByTheCode(dir = path.join(ROOT, "src")): string[] {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) docsNamedByTheCode(file).forEach((name) => found.add(name));
    else if (entry.name.endsWith(".ts")) for (const match of readFileSync(file, "utf8").matchAll(/docsFile\("([^"]+)"\)/g)) found.add(`docs/${match[1]}`);
  }
  return [...found];
}

describe("the published tarball", () => {
  let tmp: ReturnType<typeof createTempDir>;
  let files: string[];
  let project: string;
  let unpacked: string;
  beforeAll(() => {
    tmp = createTempDir("tarball");
    // --ignore-scripts: prepack would clean and rebuild dist/, which npm test has just built.
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp.dir], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    files = packed.files.map((f: { path: string }) => f.path);
    // Unpacked where npm would install it, in an app's node_modules (a symlink would resolve the
    // package's own requires from its real path, outside the app).
    project = path.join(tmp.dir, "app");
    mkdirSync(path.join(project, "node_modules"), { recursive: true });
    execFileSync("tar", ["-xzf", path.join(tmp.dir, packed.filename), "-C", path.join(project, "node_modules")]);
    unpacked = path.join(project, "node_modules", "authdb");
    renameSync(path.join(project, "node_modules", "package"), unpacked);
  }, 120_000);
  afterAll(() => tmp.cleanup());

  test("ships the licence, the README and the package metadata a registry page shows", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
    expect(readFileSync(path.join(unpacked, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    expect(pkg.license).toBe("MIT");
    expect(pkg.repository).toMatchObject({ type: "git", url: expect.stringMatching(/^git\+https:\/\//) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
  });

  test("ships every doc a hint or help text names, and every file README links to", () => {
    const named = docsNamedByTheCode();
    expect(named).toEqual(expect.arrayContaining(["docs/cli.md", "docs/config.md"]));
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThan(0);
    for (const doc of [...named, ...linked]) expect(files).toContain(doc);
  });

  test("ships the entry points, their types, the CLI, the templates and the default migrations", () => {
    for (const entry of ["dist/index.js", "dist/index.mjs", "dist/index.d.ts", "dist/index.d.mts", "bin/authdb.js"]) expect(files).toContain(entry);
    for (const template of readdirSync(path.join(ROOT, "templates"))) expect(files).toContain(`templates/${template}`);
    for (const migration of readdirSync(path.join(ROOT, "migrations"))) expect(files).toContain(`migrations/${migration}`);
  });

  test("leaves out the sources, tests, examples, scripts and source maps", () => {
    const unwanted = files.filter((f) => /^(src|test|examples|scripts|\.ci)\//.test(f) || /\.map$|\.sqlite$|^tsconfig/.test(f));
    expect(unwanted).toEqual([]);
    // No map is shipped, so no shipped file may point at one (a debugger would look for it and warn).
    const pointing = files.filter((f) => f.endsWith(".js") && readFileSync(path.join(unpacked, f), "utf8").includes("sourceMappingURL"));
    expect(pointing).toEqual([]);
  });

  test("unpacked beside its dependencies, it scaffolds and migrates a project, and its hints name docs that exist", () => {
    // The dependencies as npm would install them next to the package; nothing else from this repository.
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "app", private: true }));
    for (const dependency of [...Object.keys(pkg.dependencies), "sqlite3"]) {
      symlinkSync(path.join(ROOT, "node_modules", dependency), path.join(project, "node_modules", dependency), "dir");
    }
    const bin = path.join(unpacked, "bin", "authdb.js");
    const env = { ...process.env, NO_COLOR: "1", DATABASE_URL: "sqlite:./app.sqlite" };
    const run = (args: string[]) => execFileSync(process.execPath, [bin, ...args], { cwd: project, encoding: "utf8", env });

    const help = run(["--help"]);
    const cliDoc = /Exit codes \(the same for every command; ([^)]+)\)/.exec(help)?.[1];
    expect(cliDoc).toBe(path.join("node_modules", "authdb", "docs", "cli.md"));
    expect(existsSync(path.join(project, cliDoc!))).toBe(true);

    expect(run(["init"])).toMatch(/authdb-initial/);
    expect(run(["migrate"])).toMatch(/authdb-expiry-indexes/);

    writeFileSync(path.join(project, "authdb.config.js"), `module.exports = { extend: { User: { phoneNumber: "PHONE" } } };\n`);
    const failed = spawnSync(process.execPath, [bin, "status"], { cwd: project, encoding: "utf8", env });
    expect(failed.status).toBe(2);
    const configDoc = /Fix the config \(([^ ]+) lists every field\)/.exec(failed.stderr)?.[1];
    expect(configDoc).toBe(path.join("node_modules", "authdb", "docs", "config.md"));
    expect(existsSync(path.join(project, configDoc!))).toBe(true);
  }, 120_000);
});
