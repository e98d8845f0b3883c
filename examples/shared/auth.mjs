// The Auth.js configuration both example apps use: authdb's adapter on the migrated tables, database
// sessions, and a session that carries the custom column phoneNumber. Every Auth.js integration takes
// this same object: ExpressAuth(authConfig), Auth(request, authConfig), NextAuth(authConfig), …
// #region auth-config
import SequelizeAdapter from "authdb";
import authdbConfig from "./authdb.config.mjs"; // extend: { User: { phoneNumber: "STRING" } }
import { devEmailProvider } from "./devEmailProvider.mjs";

// One adapter per process. The tables come from `npx authdb migrate`; the adapter never creates them.
export const adapter = SequelizeAdapter(process.env.DATABASE_URL ?? "sqlite:./authdb.sqlite", authdbConfig);

export const authConfig = {
  adapter,
  session: { strategy: "database" },
  providers: [devEmailProvider()], // writes the magic link to a file; use a real email provider in production
  secret: process.env.AUTH_SECRET,
  trustHost: true,
  basePath: "/auth",
  callbacks: {
    // With database sessions Auth.js passes the adapter's user, custom columns included. Pick what the
    // pages need: the whole row would also expose emailVerified and any other column.
    session({ session, user }) {
      return {
        expires: session.expires,
        user: { id: user.id, name: user.name, email: user.email, image: user.image, phoneNumber: user.phoneNumber },
      };
    },
  },
};
// #endregion auth-config

// Without a secret Auth.js fails every request; say so once, at start-up.
if (!process.env.AUTH_SECRET) {
  console.error("AUTH_SECRET is not set: Auth.js signs its cookies with it. Set it to a random string, e.g. AUTH_SECRET=$(openssl rand -hex 32).");
  process.exit(1);
}
