/**
 * A user's problem report (遇到问题？): what the app sends and the one rule that keeps secrets out of its log lines,
 * applied by the app as it logs and by the service again as it stores. Pure: no Node, no wx, no my.
 */

/** How many log lines the app keeps and sends (the newest). */
export const REPORT_LOG_LINES = 500;
/** Longest log line kept (UTF-16 units); longer lines are cut. */
export const REPORT_LINE_MAX = 200;
/** Longest description a user may write. */
export const REPORT_DESCRIPTION_MAX = 500;

const REDACTED = '[redacted]';

/** What marks a secret in a log line, and what it becomes: bearer credentials, named secrets, long opaque strings. */
const SECRET_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bbearer\s+\S+/gi, `Bearer ${REDACTED}`],
  [
    /\b(session[_-]?token|token|secret|password|signature|auth[_-]?code|privilege|key)\b(["']?\s*[:=]\s*["']?)[^\s"',}&]+/gi,
    `$1$2${REDACTED}`,
  ],
  // ZEGO tokens (04...), session tokens and other opaque values: 24+ characters of base64/hex without a space.
  [/[A-Za-z0-9+/_=-]{24,}/g, REDACTED],
];

/** The line with every secret it carries replaced by [redacted], and cut to REPORT_LINE_MAX. */
export function redactSecrets(line: string): string {
  let out = line;
  for (const [pattern, replacement] of SECRET_RULES) out = out.replace(pattern, replacement);
  return out.length > REPORT_LINE_MAX ? `${out.slice(0, REPORT_LINE_MAX - 1)}…` : out;
}
