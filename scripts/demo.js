#!/usr/bin/env node
// `npm run demo`: what a new user does, on embedded SQLite, in a temp folder: init, migrate, status.
const { spawnSync } = require("node:child_process");
const { mkdtempSync } = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const bin = path.join(__dirname, "..", "bin", "authdb.js");
const dir = mkdtempSync(path.join(os.tmpdir(), "authdb-demo-"));
const url = `sqlite:${path.join(dir, "demo.sqlite")}`;

function authdb(...args) {
  console.log(`\n$ authdb ${args.join(" ")}`);
  const { status } = spawnSync(process.execPath, [bin, ...args], { cwd: dir, stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
}

console.log(`Demo project: ${dir}`);
authdb("init");
authdb("migrate", "--url", url);
authdb("status", "--url", url);
console.log(`\nThe Auth.js tables are in ${path.join(dir, "demo.sqlite")}. Remove ${dir} when done.`);
