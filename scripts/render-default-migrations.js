#!/usr/bin/env node
// Writes migrations/ (the default Auth.js set, no custom columns, and its snapshot) exactly as `authdb init`
// renders it. test/unit/render.test.ts fails when the checked-in files differ from this rendering.
const { mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { buildSchema } = require("../dist/schema");
const { renderMigrationSet } = require("../dist/migrations/migrationSet");
const { writeSnapshot } = require("../dist/migrations/snapshot");

const dir = path.join(__dirname, "..", "migrations");
mkdirSync(dir, { recursive: true });
for (const { name, source } of renderMigrationSet({})) {
  writeFileSync(path.join(dir, name), source);
  console.log(`wrote migrations/${name}`);
}
writeSnapshot(dir, buildSchema());
console.log("wrote migrations/authdb.snapshot.json");
