// What a new password must be: long enough, and not one attackers try first. The list is the
// common-password dictionary of the maintained zxcvbn-ts project (about 49,000 entries from leaks),
// loaded once on the server, never shipped to the browser.
import { dictionary } from "@zxcvbn-ts/language-common";

/** Shortest password accepted at sign-up. */
export const MIN_PASSWORD_LENGTH = 12;

/** Longest password accepted (scrypt on a huge input is a denial of service). */
export const MAX_PASSWORD_LENGTH = 128;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"].map((word) => word.toLowerCase()));
  return common;
}

// Words that make a password guessable for this site in particular.
const SITE_WORDS = ["ckslab", "cks-lab", "kubernetes", "certifiedkubernetes"];

/**
 * Null when `password` is acceptable for a new account; otherwise the sentence to show. Refused: a
 * listed common password (any case), a listed password or a site word with digits and symbols
 * around it ("Sunshine2026!"), the same short chunk repeated, and the email's name part.
 */
export function passwordProblem(password: string, account: { email?: string } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters for your password.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Passwords are at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, "");
  const list = commonPasswords();
  const tooCommon = "That password is on a list of common passwords attackers try first. Choose a less common one.";
  if (list.has(lower) || (core.length >= 4 && list.has(core))) return tooCommon;
  if (SITE_WORDS.some((word) => core === word || lower === word)) return tooCommon;
  if (/^(.{1,4})\1+$/.test(lower))
    return "That password repeats a few characters over and over. Choose a less guessable one.";
  const name = account.email?.split("@")[0]?.toLowerCase();
  if (name && name.length >= 4 && (core === name || lower === name))
    return "Your password must not be your email address. Choose something else.";
  return null;
}
