// Prints the plans and the foreign-key check; returns whether anything would make a growing table slow.

/** The SQL with its column lists elided: the table, the keys and the clauses are what the plan is about. */
function shorten(sql) {
  return sql.replace(/SELECT .+? FROM/, "SELECT … FROM").replace(/ RETURNING .+$/, " RETURNING …");
}

function indent(text) {
  return text.split("\n").map((line) => `    ${line}`).join("\n");
}

/** explained: from explainStatements; keys: from foreignKeyIndexes. Returns true when all is indexed. */
export function printPlans(explained, keys, { users, startup }) {
  const methods = new Set(explained.map((e) => e.method)).size;
  console.log(`\nPlans at ${users} users: ${explained.length} statements from ${methods} adapter methods, EXPLAIN ANALYZE with the`);
  console.log(`values the adapter sent (replayed in one transaction, rolled back); then the generic plan a prepared`);
  console.log(`statement settles on. Not shown: ${startup} catalog queries the adapter runs once per process.\n`);
  for (const e of explained) {
    console.log(`${e.method}: ${shorten(e.sql)}`);
    console.log(indent(e.plan));
    if (!e.analyzed) console.log(`    (not executed: ${e.error})`);
    const same = e.genericPaths.join() === e.paths.join();
    console.log(`  generic plan: ${same ? "same access path" : `\n${indent(e.genericPlan)}`}`);
    if (e.seqScans.length) console.log(`  !! Seq Scan on ${e.seqScans.join(", ")}`);
    console.log();
  }

  console.log("Foreign keys to users (deleteUser's one DELETE cascades through them; EXPLAIN does not show those lookups):");
  for (const k of keys) console.log(`  ${k.child}(${k.columns})  ${k.indexed ? `indexed by ${k.indexes}` : "!! NO INDEX: every cascade scans the table"}`);

  const scanned = explained.filter((e) => e.seqScans.length);
  const unindexed = keys.filter((k) => !k.indexed);
  console.log("\nAccess paths:");
  for (const e of explained) console.log(`  ${e.method.padEnd(27)} ${[...new Set([...e.paths, ...e.genericPaths])].join("; ") || "none (INSERT … VALUES)"}`);
  console.log(scanned.length ? `  !! Sequential scan of a growing table in: ${scanned.map((e) => e.method).join(", ")}` : "  No statement scans a growing table sequentially.");
  console.log(unindexed.length ? `  !! Unindexed foreign keys: ${unindexed.map((k) => `${k.child}(${k.columns})`).join(", ")}` : "  Every foreign key to users has an index.");
  return scanned.length === 0 && unindexed.length === 0;
}
