import type { Sequelize } from "sequelize";

/** The Sequelize options a query reads; `query: {…}` on the instance overrides them per query, as in sequelize.query. */
export interface QueryOptions {
  logging?: false | ((sql: string, ...rest: unknown[]) => void);
  benchmark?: boolean;
  logQueryParameters?: boolean;
  retry?: { match?: unknown[] | unknown };
}

interface InstanceOptions extends QueryOptions {
  query?: QueryOptions;
  dialectOptions?: { prependSearchPath?: boolean };
}

export function instanceOptions(sequelize: Sequelize): InstanceOptions {
  return (sequelize as unknown as { options: InstanceOptions }).options;
}

/** The options sequelize.query would use for a query of ours, read at each call (apps change `logging` at runtime). */
export function effectiveQueryOptions(sequelize: Sequelize): QueryOptions {
  const options = instanceOptions(sequelize);
  const query = options.query;
  if (!query) return options;
  return {
    logging: "logging" in query ? query.logging : options.logging,
    benchmark: query.benchmark ?? options.benchmark,
    logQueryParameters: query.logQueryParameters ?? options.logQueryParameters,
    retry: { ...options.retry, ...query.retry },
  };
}
