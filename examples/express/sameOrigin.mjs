// Express middleware for the app's own forms. Auth.js checks its CSRF token on its own POSTs; a form of
// ours must not be submittable from another site either. The session cookie is SameSite=Lax (a
// cross-site POST carries none), and this refuses a foreign Origin for browsers that ignore SameSite.
export function sameOrigin(req, res, next) {
  const origin = req.get("origin");
  if (origin && origin !== `${req.protocol}://${req.get("host")}`) return res.status(403).send("Cross-site request refused");
  next();
}
