import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Sequelize } from "sequelize";
import { InvalidInputError } from "../errors";
import { MetaStore } from "../migrator";
import { acquireMigrationLock } from "../migrator/lock";
import { runInTransaction } from "../migrator/transactionScope";
import type { BaselineListener } from "./events";
import type { BaselinePlan, PlannedFile } from "./planBaseline";

/** Another process reading the folder sees no file or the whole file, never half of one. */
function writeNewFile(planned: PlannedFile): void {
  const temporary = `${planned.file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(planned.file), { recursive: true });
    writeFileSync(temporary, planned.content);
    renameSync(temporary, planned.file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InvalidInputError(
      `cannot write ${planned.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      "Run baseline where the migrations folder is writable; nothing was recorded in the database.",
    );
  }
}

export interface ApplyOptions {
  lockTimeoutMs: number;
  onLockWaiting?: () => void;
  onEvent?: BaselineListener;
}

/**
 * Writes the plan's files, then records its migrations as applied, under the migration lock and in one
 * transaction. The history is checked again under the lock, so two baselines at once record once. If the
 * record fails, the files this run created are removed again: a rerun then plans afresh instead of finding a
 * second adoption migration beside the first.
 */
export async function applyBaseline(sequelize: Sequelize, plan: BaselinePlan, options: ApplyOptions): Promise<string[]> {
  const lock = await acquireMigrationLock(sequelize, { timeoutMs: options.lockTimeoutMs, command: "baseline", onWaiting: options.onLockWaiting });
  const created: string[] = [];
  const replaced = new Map<string, string>();
  try {
    const store = new MetaStore(sequelize);
    await store.ensureTables();
    const applied = new Set((await store.listApplied()).map((m) => m.name));
    const raced = plan.record.filter((r) => applied.has(r.name));
    if (raced.length) {
      throw new InvalidInputError(
        `${raced.map((r) => r.name).join(", ")} ${raced.length === 1 ? "was" : "were"} recorded as applied while baseline ran (another baseline or migrate)`,
        "Run `npx authdb status` to see the history; nothing was written.",
      );
    }
    options.onEvent?.({ type: "recording", files: plan.write.length, migrations: plan.record.length });
    for (const planned of plan.write) {
      // A migration a teammate wrote meanwhile wins: it is the shared one.
      if (planned.role !== "snapshot" && existsSync(planned.file)) continue;
      if (!existsSync(planned.file)) created.push(planned.file);
      else replaced.set(planned.file, readFileSync(planned.file, "utf8"));
      writeNewFile(planned);
    }
    await lock.assertHeld();
    await runInTransaction(sequelize, async () => {
      for (const record of plan.record) await store.recordApplied(record.name, record.checksum, 0);
    });
    return created;
  } catch (error) {
    for (const file of created) rmSync(file, { force: true });
    for (const [file, content] of replaced) writeFileSync(file, content);
    throw error;
  } finally {
    await lock.release();
  }
}
