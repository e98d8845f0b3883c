// Express 5 + @auth/express with authdb's adapter: email sign-in, database sessions, and a custom
// column (users.phone_number) that the signed-in user sets and sees.
// Run: npx authdb migrate, then AUTH_SECRET=… DATABASE_URL=… node app.mjs (see examples/README.md).
// #region app
import express from "express";
import { ExpressAuth, getSession } from "@auth/express";
import { InvalidValueError } from "authdb";
import { adapter, authConfig } from "../shared/auth.mjs";
import { homePage } from "./homePage.mjs";
import { sameOrigin } from "./sameOrigin.mjs";

const app = express();
app.set("trust proxy", true); // behind a proxy, Auth.js then sees https and the public host

// Auth.js's routes: /auth/signin, /auth/callback/email, /auth/signout, /auth/session, …
// Mount on "/auth", not "/auth/*": Express 5 rejects a bare "*" (PathError: Missing parameter name).
app.use("/auth", ExpressAuth(authConfig));

app.get("/", async (req, res) => {
  res.send(homePage(await getSession(req, authConfig)));
});

// The signed-in user sets their own phone number: a custom column, written through the adapter.
app.post("/profile", sameOrigin, express.urlencoded({ extended: false }), async (req, res) => {
  const session = await getSession(req, authConfig);
  if (!session?.user) return res.status(401).send(homePage(null));
  try {
    await adapter.updateUser({ id: session.user.id, phoneNumber: req.body.phoneNumber?.trim() || null });
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error; // e.g. longer than the column's 255 characters
    // The adapter's message names tables and columns: for the log, not for the visitor.
    console.warn(`POST /profile refused: ${error.message}`);
    return res.status(400).send(homePage(session, { error: "That phone number cannot be saved: use at most 255 characters." }));
  }
  res.redirect(303, "/");
});
// #endregion app

const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`Listening on http://localhost:${server.address().port}`);
});

// Close the adapter's pool on shutdown so the process exits promptly.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => server.close(() => adapter.close()));
}
