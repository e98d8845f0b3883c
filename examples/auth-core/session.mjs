// The signed-in session for a web Request, or null: Auth.js's own /auth/session answer for the
// request's cookies (what @auth/express's getSession does for Express).
import { Auth } from "@auth/core";
import { authConfig } from "../shared/auth.mjs";

export async function getSession(request) {
  const url = new URL("/auth/session", request.url);
  const response = await Auth(new Request(url, { headers: { cookie: request.headers.get("cookie") ?? "" } }), authConfig);
  return response.json();
}
