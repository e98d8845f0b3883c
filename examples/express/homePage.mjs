// The one page of the example: who is signed in (email and the custom column phoneNumber), or a sign-in link.
const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

export function homePage(session, { error } = {}) {
  const body = session?.user
    ? `<p>Signed in as <strong id="email">${escapeHtml(session.user.email)}</strong></p>
  <p>Phone number: <strong id="phone-number">${session.user.phoneNumber ? escapeHtml(session.user.phoneNumber) : "not set"}</strong></p>
  ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
  <form method="post" action="/profile">
    <label>Phone number <input name="phoneNumber" value="${escapeHtml(session.user.phoneNumber ?? "")}"></label>
    <button type="submit">Save</button>
  </form>
  <p><a href="/auth/signout">Sign out</a></p>`
    : `<p>You are not signed in.</p>
  <p><a href="/auth/signin">Sign in</a></p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>authdb + Express</title></head>
<body>
  <h1>authdb + Express</h1>
  ${body}
</body>
</html>`;
}
