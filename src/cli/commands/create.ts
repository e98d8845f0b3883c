import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { InvalidInputError } from "../../errors";
import { migrationExtension } from "../../migrations/moduleSystem";
import { migrationFileName, renderEmptyMigration } from "../../migrations/renderMigration";
import { readMigrationDir } from "../../migrator";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, type GlobalOptions } from "../project";

const MAX_FILE_NAME_LENGTH = 120;

export async function create(name: string, options: GlobalOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  let fileName: string;
  try {
    // The file is CommonJS: .cjs where package.json says "type": "module", so Node and sequelize-cli load it as such.
    fileName = migrationFileName(name, new Date(), migrationExtension(project.migrationsDir));
  } catch (error) {
    throw new InvalidInputError((error as Error).message);
  }
  // File systems stop at 255 bytes; a name that long says nothing a short one would not.
  if (fileName.length > MAX_FILE_NAME_LENGTH) {
    throw new InvalidInputError(
      `the name gives a ${fileName.length}-character file name; at most ${MAX_FILE_NAME_LENGTH} are allowed`,
      "Use a short description, e.g. add-phone-number.",
    );
  }
  // Names sort by timestamp; one created in the same second as the last must still sort after it.
  const last = readMigrationDir(project.migrationsDir).at(-1)?.name;
  if (last && fileName <= last) {
    throw new InvalidInputError(`${fileName} would sort before the existing ${last}`, "Wait a second and run the command again, or check the system clock.");
  }
  const file = path.join(project.migrationsDir, fileName);
  if (existsSync(file)) throw new InvalidInputError(`${relativePath(file)} already exists`);
  mkdirSync(project.migrationsDir, { recursive: true });
  writeFileSync(file, renderEmptyMigration(fileName));
  output.success(`Created ${relativePath(file)}`);
  output.line(`Done in ${formatDuration(performance.now() - started)}.`);
  output.next("write its up() and down(), then run `npx authdb migrate`.");
  output.result("create", { file });
}
