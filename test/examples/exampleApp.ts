/**
 * Runs an example app of examples/ as a user would: `authdb migrate` through the CLI, then `node <app>`
 * on a free port. The examples import "authdb" by name; inside this repository Node resolves that to the
 * package itself (self-reference through package.json "exports"), i.e. to the built dist/.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { runAuthdb } from "../helpers/cli";

export const ROOT = path.resolve(__dirname, "..", "..");
export const EXAMPLES = path.join(ROOT, "examples");
/** The authdb config both examples share (examples/shared). */
export const EXAMPLE_CONFIG = path.join(EXAMPLES, "shared", "authdb.config.mjs");
export const AUTH_SECRET = "authdb-examples-test-secret-0123456789abcdef";

export function requireBuild(): void {
  if (!existsSync(path.join(ROOT, "dist", "index.mjs"))) throw new Error("dist/ is missing: run `npm run build` first");
}

/** `npx authdb migrate --config examples/shared/authdb.config.mjs`, as examples/README.md tells users. */
export async function migrateExampleDatabase(databaseUrl: string): Promise<void> {
  const result = await runAuthdb(["migrate", "--config", EXAMPLE_CONFIG], { cwd: ROOT, env: { DATABASE_URL: databaseUrl } });
  if (result.code !== 0) throw new Error(`authdb migrate failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
}

export interface RunningExample {
  url: string;
  /** Everything the app printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node examples/<app>` with PORT=0 and resolves once it prints "Listening on <url>". */
export function startExample(app: string, env: Record<string, string>): Promise<RunningExample> {
  const child = spawn(process.execPath, [path.join(EXAMPLES, app)], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", AUTH_SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`examples/${app} did not print "Listening on …" within 30 s. Its output:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Listening on (http:\/\/\S+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({ url: listening[1], output: () => output, stop });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/${app} exited (code ${code}) before listening. Its output:\n${output}`));
    });
  });
}
