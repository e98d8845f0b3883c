'use strict';

/**
 * authdb: creates the Auth.js tables (users, accounts, sessions, verification_tokens, authenticators). Custom columns: users.phone_number.
 *
 * Rendered by `authdb init` from your authdb config. It is plain sequelize-cli style CommonJS:
 * `authdb migrate` runs it inside one transaction, and `npx sequelize-cli db:migrate` can run it too.
 * Every database runs this same file, so it never changes once written: for a later change to the
 * config, `authdb generate` writes a new migration (authdb.snapshot.json beside it records what the
 * migrations in this folder hold).
 *
 * authdb-fingerprint: 9c0c8d418014e1cd
 *
 * @type {import('authdb').Migration}
 */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable("users", {
      id: { type: Sequelize.UUID, allowNull: false, primaryKey: true },
      name: { type: Sequelize.STRING(255), allowNull: true },
      email: { type: Sequelize.STRING(255), allowNull: true },
      email_verified: { type: Sequelize.DATE(3), allowNull: true },
      image: { type: Sequelize.TEXT, allowNull: true },
      phone_number: { type: Sequelize.STRING(255), allowNull: true },
    });
    await queryInterface.addIndex("users", ["email"], { name: "users_email_unique", unique: true });

    await queryInterface.createTable("accounts", {
      id: { type: Sequelize.UUID, allowNull: false, primaryKey: true },
      user_id: { type: Sequelize.UUID, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE", onUpdate: "CASCADE" },
      type: { type: Sequelize.STRING(255), allowNull: false },
      provider: { type: Sequelize.STRING(255), allowNull: false },
      provider_account_id: { type: Sequelize.STRING(255), allowNull: false },
      refresh_token: { type: Sequelize.TEXT, allowNull: true },
      access_token: { type: Sequelize.TEXT, allowNull: true },
      expires_at: { type: Sequelize.BIGINT, allowNull: true },
      token_type: { type: Sequelize.STRING(255), allowNull: true },
      scope: { type: Sequelize.TEXT, allowNull: true },
      id_token: { type: Sequelize.TEXT, allowNull: true },
      session_state: { type: Sequelize.TEXT, allowNull: true },
    });
    await queryInterface.addIndex("accounts", ["provider", "provider_account_id"], { name: "accounts_provider_provider_account_id_unique", unique: true });
    await queryInterface.addIndex("accounts", ["user_id"], { name: "accounts_user_id" });

    await queryInterface.createTable("sessions", {
      id: { type: Sequelize.UUID, allowNull: false, primaryKey: true },
      session_token: { type: Sequelize.STRING(255), allowNull: false },
      user_id: { type: Sequelize.UUID, allowNull: false, references: { model: "users", key: "id" }, onDelete: "CASCADE", onUpdate: "CASCADE" },
      expires: { type: Sequelize.DATE(3), allowNull: false },
    });
    await queryInterface.addIndex("sessions", ["session_token"], { name: "sessions_session_token_unique", unique: true });
    await queryInterface.addIndex("sessions", ["user_id"], { name: "sessions_user_id" });

    await queryInterface.createTable("verification_tokens", {
      identifier: { type: Sequelize.STRING(255), allowNull: false, primaryKey: true },
      token: { type: Sequelize.STRING(255), allowNull: false, primaryKey: true },
      expires: { type: Sequelize.DATE(3), allowNull: false },
    });

    await queryInterface.createTable("authenticators", {
      user_id: { type: Sequelize.UUID, allowNull: false, primaryKey: true, references: { model: "users", key: "id" }, onDelete: "CASCADE", onUpdate: "CASCADE" },
      credential_id: { type: Sequelize.STRING(255), allowNull: false, primaryKey: true },
      provider_account_id: { type: Sequelize.STRING(255), allowNull: false },
      credential_public_key: { type: Sequelize.TEXT, allowNull: false },
      counter: { type: Sequelize.BIGINT, allowNull: false },
      credential_device_type: { type: Sequelize.STRING(255), allowNull: false },
      credential_backed_up: { type: Sequelize.BOOLEAN, allowNull: false },
      transports: { type: Sequelize.STRING(255), allowNull: true },
    });
    await queryInterface.addIndex("authenticators", ["credential_id"], { name: "authenticators_credential_id_unique", unique: true });
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.dropTable("authenticators");
    await queryInterface.dropTable("verification_tokens");
    await queryInterface.dropTable("sessions");
    await queryInterface.dropTable("accounts");
    await queryInterface.dropTable("users");
  },
};
