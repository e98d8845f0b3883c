// POST /profile: the signed-in user sets their own phone number (form field phoneNumber), a custom
// column written through the adapter. A foreign Origin is refused (the session cookie is SameSite=Lax
// as well), so a form on another site cannot change it.
import { InvalidValueError } from "authdb";
import { adapter } from "../shared/auth.mjs";
import { getSession } from "./session.mjs";

export async function updateProfile(request) {
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(request.url).origin) return new Response("Cross-site request refused", { status: 403 });
  const session = await getSession(request);
  if (!session?.user) return new Response("Sign in first", { status: 401 });
  const phoneNumber = new URLSearchParams(await request.text()).get("phoneNumber")?.trim() || null;
  try {
    await adapter.updateUser({ id: session.user.id, phoneNumber });
  } catch (error) {
    if (!(error instanceof InvalidValueError)) throw error; // e.g. longer than the column's 255 characters
    // The adapter's message names tables and columns: for the log, not for the visitor.
    console.warn(`POST /profile refused: ${error.message}`);
    return new Response("That phone number cannot be saved: use at most 255 characters.", { status: 400 });
  }
  return new Response(null, { status: 303, headers: { location: "/" } });
}
