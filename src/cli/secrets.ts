import { redactUrlsInText } from "../database/databaseUrl";

/**
 * Passwords this process knows of (from the database URL), masked in everything the CLI prints: a driver
 * or a parser may echo part of a URL that redactUrl could not recognise as one.
 */
const secrets = new Set<string>();

/** Shorter strings would mask ordinary words; such a password is masked by redactUrl alone. */
const MIN_SECRET_LENGTH = 3;

export function registerSecrets(values: string[]): void {
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    secrets.add(value);
    // As it appears inside a --json document.
    secrets.add(JSON.stringify(value).slice(1, -1));
  }
}

export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join("***");
  return redactUrlsInText(scrubbed);
}
