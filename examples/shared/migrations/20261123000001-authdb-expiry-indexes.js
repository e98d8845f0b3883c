'use strict';

/**
 * authdb: indexes sessions.expires and verification_tokens.expires, so `authdb prune` finds expired rows without a scan.
 *
 * Written by `authdb init`, as plain sequelize-cli style CommonJS (`npx sequelize-cli db:migrate` runs it too).
 * `authdb migrate` runs it outside a transaction (`transaction: false`), where PostgreSQL builds
 * its indexes CONCURRENTLY, without blocking sign-ins.
 * Once it is applied anywhere, do not edit it (authdb records its checksum): change the config and run
 * `authdb generate` again instead.
 *
 * @type {import('authdb').Migration}
 */
module.exports = {
  // CREATE INDEX CONCURRENTLY cannot run inside a transaction.
  transaction: false,

  async up(queryInterface, Sequelize) {
    if (queryInterface.sequelize.getDialect() === "postgres") {
      await queryInterface.sequelize.query(`DROP INDEX CONCURRENTLY IF EXISTS ${queryInterface.quoteIdentifier("sessions_expires")}`);
    }
    await queryInterface.addIndex("sessions", ["expires"], { name: "sessions_expires", concurrently: true });
    if (queryInterface.sequelize.getDialect() === "postgres") {
      await queryInterface.sequelize.query(`DROP INDEX CONCURRENTLY IF EXISTS ${queryInterface.quoteIdentifier("verification_tokens_expires")}`);
    }
    await queryInterface.addIndex("verification_tokens", ["expires"], { name: "verification_tokens_expires", concurrently: true });
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.removeIndex("verification_tokens", "verification_tokens_expires");
    await queryInterface.removeIndex("sessions", "sessions_expires");
  },
};

