// An email (magic link) sign-in through the real Auth() handler of @auth/core, with the BUILT authdb
// adapter and the database session strategy. Prints one JSON object of observations; the jest test
// (authjs-email-flow.test.ts) asserts on it. Usage: node authjs-email-flow.mjs <database-url>
import { Auth } from "@auth/core";
import SequelizeAdapter, { migrate } from "../../dist/index.mjs";

const url = process.argv[2];
if (!url) throw new Error("usage: node authjs-email-flow.mjs <database-url>");

const ORIGIN = "http://localhost:3000";
const EMAIL = "Magic.Link@Example.com";
const config = { extend: { User: { phoneNumber: "STRING" } } };

const adapter = SequelizeAdapter(url, config);
await migrate(adapter.sequelize, config);

let verificationUrl = null;
const out = { loggedErrors: [] };
const authConfig = {
  logger: { error: (error) => out.loggedErrors.push(error?.type ?? error?.name ?? String(error)) },
  adapter,
  secret: "authdb-e2e-secret-authdb-e2e-secret",
  trustHost: true,
  basePath: "/auth",
  session: { strategy: "database" },
  providers: [
    {
      id: "email",
      type: "email",
      name: "Email",
      from: "auth@example.com",
      maxAge: 60 * 60,
      options: {},
      async sendVerificationRequest({ url: link }) {
        verificationUrl = link;
      },
    },
  ],
};

// A tiny cookie jar: Auth.js sets the CSRF, callback-url and session cookies.
const jar = new Map();
function keepCookies(response) {
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split(";");
    const name = pair.slice(0, pair.indexOf("="));
    const value = pair.slice(pair.indexOf("=") + 1);
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
  return response;
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

async function request(path, init = {}) {
  const target = path.startsWith("http") ? path : `${ORIGIN}${path}`;
  const headers = new Headers(init.headers);
  if (jar.size) headers.set("cookie", cookieHeader());
  return keepCookies(await Auth(new Request(target, { ...init, headers, redirect: "manual" }), authConfig));
}

const form = (fields) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

const rawRows = (sql, bind) => adapter.sequelize.query(sql, { bind, type: "SELECT", raw: true });

try {
  const csrf = await request("/auth/csrf");
  const { csrfToken } = await csrf.json();
  out.csrfStatus = csrf.status;
  out.hasCsrfToken = typeof csrfToken === "string" && csrfToken.length > 0;

  const signin = await request("/auth/signin/email", form({ csrfToken, email: EMAIL, callbackUrl: `${ORIGIN}/dashboard` }));
  out.signinStatus = signin.status;
  out.signinLocation = signin.headers.get("location");
  out.verificationUrlCaptured = typeof verificationUrl === "string";
  out.pendingTokens = (await rawRows("SELECT identifier FROM verification_tokens", [])).map((r) => r.identifier);

  const callback = await request(verificationUrl);
  out.callbackStatus = callback.status;
  out.callbackLocation = callback.headers.get("location");
  out.tokensAfterCallback = (await rawRows("SELECT identifier FROM verification_tokens", [])).length;
  const sessionCookie = [...jar.keys()].find((name) => name.endsWith("authjs.session-token"));
  out.hasSessionCookie = Boolean(sessionCookie);
  const sessionToken = sessionCookie ? jar.get(sessionCookie) : null;
  out.sessionRows = (await rawRows("SELECT user_id FROM sessions WHERE session_token = $1", [sessionToken])).length;

  // The same link a second time: the token was used once and is gone.
  const replay = await Auth(new Request(verificationUrl, { redirect: "manual" }), authConfig);
  out.replayLocation = replay.headers.get("location");

  const session = await request("/auth/session");
  out.session = await session.json();
  out.user = await adapter.getUserByEmail(out.session?.user?.email ?? "");
  out.accounts = await rawRows("SELECT provider, provider_account_id, type FROM accounts", []);

  const signout = await request("/auth/signout", form({ csrfToken, callbackUrl: `${ORIGIN}/` }));
  out.signoutStatus = signout.status;
  out.sessionRowsAfterSignout = (await rawRows("SELECT user_id FROM sessions WHERE session_token = $1", [sessionToken])).length;
  const afterSignout = await request("/auth/session");
  out.sessionAfterSignout = await afterSignout.json();
} catch (error) {
  out.error = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error);
} finally {
  await adapter.close();
}
process.stdout.write(JSON.stringify(out));
