/**
 * Whether Sequelize's `retry.match` names this error, tested as Sequelize's retry (retry-as-promised)
 * tests it: a class by instanceof, a string equal to the message or `toString()`, a RegExp against either.
 * `error` is the Sequelize error (TimeoutError for SQLITE_BUSY, …), not the driver's.
 */
export function matchesRetry(match: unknown, error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const list = match === undefined ? [] : Array.isArray(match) ? match : [match];
  return list.some((m) => {
    if (typeof m === "function") {
      try {
        if (error instanceof m) return true;
      } catch {
        return Boolean((m as (e: unknown) => unknown)(error));
      }
    }
    if (m === error.toString() || m === error.message) return true;
    return m instanceof RegExp && (m.test(error.message) || m.test(error.toString()));
  });
}
