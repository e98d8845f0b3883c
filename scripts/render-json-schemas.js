#!/usr/bin/env node
// Writes schemas/ (the JSON Schema of every command's --json document) from the zod definitions in
// src/cli/jsonSchemas, as built into dist/ (run `npm run build` first). test/cli/json-output.test.ts fails
// when the checked-in files differ from this rendering.
const { mkdirSync, readdirSync, rmSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { renderJsonSchemas } = require("../dist/cli/jsonSchemas/render");

const dir = path.join(__dirname, "..", "schemas");
mkdirSync(dir, { recursive: true });
// A command that no longer exists must not leave its schema behind.
for (const stale of readdirSync(dir).filter((name) => name.endsWith(".json"))) rmSync(path.join(dir, stale));
for (const { name, text } of renderJsonSchemas()) {
  writeFileSync(path.join(dir, name), text);
  console.log(`wrote schemas/${name}`);
}
