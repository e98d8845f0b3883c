// Auth.js with no framework: Auth() from @auth/core on node:http, with authdb's adapter, email sign-in,
// database sessions and the custom column phoneNumber (the config the Express example uses too).
// Run: npx authdb migrate, then AUTH_SECRET=… DATABASE_URL=… node server.mjs (see examples/README.md).
// #region server
import { createServer } from "node:http";
import { Auth } from "@auth/core";
import { adapter, authConfig } from "../shared/auth.mjs";
import { updateProfile } from "./profile.mjs";
import { getSession } from "./session.mjs";
import { sendWebResponse, toWebRequest } from "./webRequest.mjs";

async function handle(request) {
  const { pathname } = new URL(request.url);
  if (pathname === "/auth" || pathname.startsWith("/auth/")) return Auth(request, authConfig);
  if (pathname === "/profile" && request.method === "POST") return updateProfile(request);
  if (pathname === "/") {
    const session = await getSession(request);
    const text = session?.user ? `Signed in as ${session.user.email}, phone number ${session.user.phoneNumber ?? "not set"}` : "Not signed in: /auth/signin";
    return new Response(text);
  }
  return new Response("Not found", { status: 404 });
}

const server = createServer(async (req, res) => {
  try {
    await sendWebResponse(await handle(toWebRequest(req)), res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  }
});
// #endregion server

server.listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`Listening on http://localhost:${server.address().port}`);
});

// Close the adapter's pool on shutdown so the process exits promptly.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => server.close(() => adapter.close()));
}
