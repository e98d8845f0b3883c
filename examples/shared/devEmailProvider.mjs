// An Auth.js email (magic link) provider for development and tests: instead of sending an email it
// writes the sign-in link to the file named by MAGIC_LINK_FILE (the browser test reads it there) and
// prints it, outside production only: a link in a production log would let whoever reads the log sign
// in as that user. In production use a real sender, e.g. `@auth/core/providers/nodemailer` or Resend.
import { writeFileSync } from "node:fs";

export function devEmailProvider({ linkFile = process.env.MAGIC_LINK_FILE } = {}) {
  return {
    id: "email",
    type: "email",
    name: "Email",
    from: "auth@example.com",
    maxAge: 60 * 60, // the link is valid for one hour
    async sendVerificationRequest({ identifier, url }) {
      if (linkFile) writeFileSync(linkFile, url);
      if (process.env.NODE_ENV !== "production") console.log(`Magic link for ${identifier}: ${url}`);
    },
  };
}
