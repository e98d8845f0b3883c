// The contenders' names, as the tables, the chart and the JSON show them.
export const FLOOR = "floor";
/** The same statements on the same kind of pool, unnamed (plain pool.query): the floor a hand-written adapter usually is. */
export const FLOOR_PLAIN = "floor, unprepared";
export const AUTHDB = "authdb";
export const INCUMBENT = "@auth/sequelize-adapter";
export const PG_ADAPTER = "@auth/pg-adapter";
