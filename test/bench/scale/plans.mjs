// EXPLAIN of each captured statement, two ways:
//   - EXPLAIN ANALYZE with the logged values (a custom plan, as an unnamed statement gets), replayed in
//     the order the adapter issued them inside one transaction that is rolled back, so writes really
//     run (and show their foreign-key triggers) but leave nothing behind;
//   - EXPLAIN EXECUTE of the statement PREPAREd under plan_cache_mode = force_generic_plan: the plan a
//     named prepared statement settles on after five runs, which no value can steer.
// A Seq Scan on a table that grows with the user count, in either plan, is a finding.

const GROWING = new Set(["users", "accounts", "sessions", "verification_tokens", "authenticators"]);

/** `Seq Scan on users` → ["users"] for every growing table scanned sequentially. */
function seqScans(plan) {
  return [...plan.matchAll(/Seq Scan on "?(\w+)"?/g)].map((m) => m[1]).filter((t) => GROWING.has(t));
}

/** The access paths of a plan, e.g. ["Index Scan using sessions_session_token_unique on sessions"]. */
function accessPaths(plan) {
  return [...plan.matchAll(/(?:Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)(?: Backward)? (?:using \S+ )?on \S+/g)].map((m) => m[0]);
}

function literal(client, value) {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Date) return client.escapeLiteral(value.toISOString());
  if (Buffer.isBuffer(value)) return `'\\x${value.toString("hex")}'`;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (typeof value === "object") return client.escapeLiteral(JSON.stringify(value));
  return client.escapeLiteral(String(value));
}

async function planText(client, sql, values) {
  const { rows } = await client.query(sql, values);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

async function analyzed(client, { sql, bind }) {
  await client.query("SAVEPOINT analyzed");
  try {
    const plan = await planText(client, `EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, bind);
    await client.query("RELEASE SAVEPOINT analyzed");
    return { plan, analyzed: true };
  } catch (error) {
    // The replay diverged from the original call (it should not); still show the plan, unexecuted.
    await client.query("ROLLBACK TO SAVEPOINT analyzed");
    return { plan: await planText(client, `EXPLAIN (COSTS OFF) ${sql}`, bind), analyzed: false, error: error.message };
  }
}

async function generic(client, { sql, bind }) {
  await client.query("SAVEPOINT generic");
  try {
    await client.query("SET LOCAL plan_cache_mode = force_generic_plan");
    await client.query(`PREPARE scale_generic AS ${sql}`);
    return await planText(client, `EXPLAIN (COSTS OFF) EXECUTE scale_generic(${bind.map((v) => literal(client, v)).join(", ")})`);
  } finally {
    await client.query("ROLLBACK TO SAVEPOINT generic"); // also undoes SET LOCAL
    await client.query("DEALLOCATE ALL"); // PREPARE is not transactional
  }
}

/** One entry per statement: its plans, access paths and the growing tables it scans sequentially. */
export async function explainStatements(client, statements) {
  const results = [];
  await client.query("BEGIN");
  try {
    for (const statement of statements) {
      const custom = await analyzed(client, statement);
      const genericPlan = await generic(client, statement);
      results.push({
        ...statement,
        ...custom,
        genericPlan,
        paths: accessPaths(custom.plan),
        genericPaths: accessPaths(genericPlan),
        seqScans: [...new Set([...seqScans(custom.plan), ...seqScans(genericPlan)])],
      });
    }
  } finally {
    await client.query("ROLLBACK");
  }
  return results;
}

/**
 * The foreign keys that reference users (ON DELETE CASCADE: deleteUser is one DELETE), each with the
 * indexes whose leading columns are the key's columns. EXPLAIN of the DELETE does not show the cascade's
 * own lookups; without such an index each one is a sequential scan of the child table.
 */
export async function foreignKeyIndexes(client) {
  const { rows } = await client.query(`
    SELECT c.conrelid::regclass::text AS child, c.conname AS constraint,
           (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
           coalesce((SELECT string_agg(i.indexrelid::regclass::text, ', ' ORDER BY i.indexrelid::regclass::text) FROM pg_index i
              WHERE i.indrelid = c.conrelid AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey), '') AS indexes
    FROM pg_constraint c
    WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass
    ORDER BY 1`);
  return rows.map((r) => ({ ...r, indexed: r.indexes !== "" }));
}
