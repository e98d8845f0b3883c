// Writes dist/index.mjs and dist/index.d.mts: the ES module face of the CommonJS build, so that
// `import SequelizeAdapter, { migrate } from "authdb"` works with a real default export.
const { writeFileSync } = require("node:fs");
const path = require("node:path");

const dist = path.join(__dirname, "..", "dist");
const names = Object.keys(require(path.join(dist, "index.js"))).filter((name) => name !== "default" && name !== "__esModule");

writeFileSync(
  path.join(dist, "index.mjs"),
  `import cjs from "./index.js";\n\nexport const { ${names.join(", ")} } = cjs;\nexport default cjs.default;\n`,
);
writeFileSync(
  path.join(dist, "index.d.mts"),
  `import cjs = require("./index.js");\n\nexport * from "./index.js";\ndeclare const _default: typeof cjs.default;\nexport default _default;\n`,
);
