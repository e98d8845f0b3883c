// Node's http objects ↔ the web Request/Response that Auth() speaks. Frameworks ship this glue
// (@auth/express, @auth/sveltekit, …); without one it is these two functions.
import { Readable } from "node:stream";

/** The web Request for a node:http request. Behind a proxy, Auth.js (trustHost) reads X-Forwarded-Proto/Host. */
export function toWebRequest(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of [value].flat()) if (one !== undefined) headers.append(name, one);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url, `http://${req.headers.host}`), {
    method: req.method,
    headers,
    body: hasBody ? Readable.toWeb(req) : undefined,
    duplex: hasBody ? "half" : undefined, // a streamed body needs it (fetch spec)
  });
}

/** Writes a web Response to a node:http response, each Set-Cookie header on its own. */
export async function sendWebResponse(response, res) {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}
