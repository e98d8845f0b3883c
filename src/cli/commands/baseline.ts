import path from "node:path";
import { performance } from "node:perf_hooks";
import { applyBaseline, BaselineBlockedError, LAYOUT_NAMES, planBaseline, type BaselinePlan } from "../../baseline";
import { Output, formatDuration } from "../output";
import { openProject, relativePath, withConnection, type GlobalOptions } from "../project";
import { withProgress } from "../progress";
import { trackBaseline } from "../progress/baselineProgress";
import { printDifferences } from "./check";
import { docsFile } from "../../docsLink";

interface BaselineOptions extends GlobalOptions {
  dryRun?: boolean;
  lockTimeout: number;
}

const ROLE_NOTE: Record<string, string> = {
  initial: "the initial migration, as init writes it",
  builtin: "a built-in authdb migration, as init writes it",
  adoption: "the follow-up migration that converts the tables",
  snapshot: "the schema the folder's migrations produce",
};

function printPlan(output: Output, plan: BaselinePlan, dryRun: boolean): void {
  const { c } = output;
  const would = (done: string, planned: string) => (dryRun ? planned : done);
  output.line(`Recognised ${LAYOUT_NAMES[plan.layout]}.`);
  output.line(`${would("Recorded", "Would record")} as applied, without running ${plan.record.length === 1 ? "it" : "them"} (the tables already hold ${plan.record.length === 1 ? "its" : "their"} effects):`);
  for (const record of plan.record) output.line(`  ${c.green("applied")}  ${record.name}`);
  for (const name of plan.pending) output.line(`  ${c.yellow("pending")}  ${name}  ${c.dim("(its effects are missing here: migrate runs it)")}`);
  if (plan.write.length) {
    output.line(`${would("Wrote", "Would write")} (only what the folder lacks):`);
    for (const file of plan.write) output.line(`  ${relativePath(file.file)}  ${c.dim(ROLE_NOTE[file.role] ?? "")}`);
  }
  if (plan.adoption) {
    output.line(`On the next \`authdb migrate\`, ${path.basename(plan.adoption.file)} changes this database (every row is kept):`);
    for (const change of plan.analysis.changes) output.line(`  - ${change}`);
  }
  if (plan.foreignRows.length) {
    output.line(
      c.dim(`SequelizeMeta also lists ${plan.foreignRows.length} migration${plan.foreignRows.length === 1 ? "" : "s"} that ${plan.foreignRows.length === 1 ? "is" : "are"} not in this folder (${plan.foreignRows.join(", ")}): left as they are; ${docsFile("sequelize-cli.md")} shows how to declare them foreign.`),
    );
  }
}

function printBlocked(output: Output, error: BaselineBlockedError): void {
  if (error.differences.length) {
    output.line(`${error.differences.length} difference${error.differences.length === 1 ? "" : "s"} that baseline cannot convert:`);
    printDifferences(output, error.differences);
  }
  for (const problem of error.rowProblems) {
    output.line(`  ${output.c.red("✖")} ${problem.message}:`);
    for (const line of problem.sample) output.line(`      ${line}`);
    if (problem.count > problem.sample.length) output.line(`      … and ${problem.count - problem.sample.length} more`);
  }
}

export async function baselineCommand(options: BaselineOptions): Promise<void> {
  const output = new Output({ json: options.json });
  const started = performance.now();
  const project = await openProject(options);
  await withConnection(
    project,
    options,
    async ({ sequelize, label }) => {
      output.line(`Database: ${label}`);
      output.line(`Migrations: ${relativePath(project.migrationsDir)}`);
      let plan: BaselinePlan;
      try {
        plan = await withProgress(output, { title: "Baseline", unit: "row checks" }, (progress) =>
          planBaseline(sequelize, { migrationsDir: project.migrationsDir, config: project.config }, new Date(), trackBaseline(progress)),
        );
      } catch (error) {
        if (error instanceof BaselineBlockedError) {
          printBlocked(output, error);
          output.result("baseline", {
            dryRun: Boolean(options.dryRun),
            layout: null,
            recorded: [],
            pending: [],
            written: [],
            adoption: null,
            foreignRows: [],
            differences: error.differences,
            rowProblems: error.rowProblems.map((p) => ({ table: p.check.table, kind: p.check.kind, count: p.count, sample: p.sample, message: p.message })),
          });
        }
        throw error;
      }
      if (!options.dryRun) {
        await withProgress(output, { title: "Baseline", unit: "steps" }, (progress) =>
          applyBaseline(sequelize, plan, {
            lockTimeoutMs: options.lockTimeout * 1000,
            onLockWaiting: () => output.line(`Waiting for the migration lock (up to ${options.lockTimeout} s; --lock-timeout changes it)…`),
            onEvent: trackBaseline(progress),
          }),
        );
      }
      printPlan(output, plan, Boolean(options.dryRun));
      const total = formatDuration(performance.now() - started);
      const runs = [...plan.pending, ...(plan.adoption ? [path.basename(plan.adoption.file)] : [])];
      if (options.dryRun) {
        output.line(`Dry run: nothing written, nothing recorded (${total}).`);
        output.next("run `npx authdb baseline` without --dry-run.");
      } else {
        output.success(`Baseline recorded ${plan.record.length} migration${plan.record.length === 1 ? "" : "s"} as applied and wrote ${plan.write.length} file${plan.write.length === 1 ? "" : "s"} in ${total}.`);
        output.next(
          runs.length
            ? `commit ${relativePath(project.migrationsDir)}, then run \`npx authdb migrate\` to apply ${runs.join(", ")}; \`npx authdb check\` then confirms the tables match.`
            : `commit ${relativePath(project.migrationsDir)}; \`npx authdb migrate\` has nothing to do, and \`npx authdb check\` confirms the tables match.`,
        );
      }
      output.result("baseline", {
        dryRun: Boolean(options.dryRun),
        layout: plan.layout,
        recorded: plan.record.map((r) => r.name),
        pending: plan.pending,
        written: plan.write.map((w) => ({ file: w.file, role: w.role })),
        adoption: plan.adoption ? { file: plan.adoption.file, changes: plan.analysis.changes } : null,
        foreignRows: plan.foreignRows,
        differences: [],
        rowProblems: [],
      });
    },
    { readOnly: Boolean(options.dryRun) },
  );
}
