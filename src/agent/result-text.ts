import { scrubText, scrubTokens } from "./scrub.js";

/** Rough token count (chars / 4), the unit of every budget in the agent. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Wraps tool output as untrusted data. The system prompt says instructions inside these tags are
 * never followed; a closing tag inside the data is neutralised so data cannot end the wrapper.
 */
export function wrapUntrusted(source: string, body: string): string {
  const safe = body.replace(/<\/?untrusted-data/gi, (tag) => tag.replace("<", "&lt;"));
  return `<untrusted-data source="${source}">\n${safe}\n</untrusted-data>`;
}

/**
 * The text of one tool result as sent to the model: scrubbed (token shapes only for structured
 * output whose fields were redacted one by one; every pattern for free text), wrapped and cut to
 * `tokenCap` (approx). When cut, the tail tells the model how to ask for less instead of silently losing it.
 */
export function renderToolResult(
  source: string,
  body: string,
  tokenCap: number,
  narrowHint: string,
  extraScrub: (text: string) => string = (text) => text,
  structured = false,
): string {
  const maxChars = tokenCap * 4;
  const scrubbed = extraScrub(structured ? scrubTokens(body) : scrubText(body));
  const whole = wrapUntrusted(source, scrubbed);
  if (whole.length <= maxChars) return whole;
  const note = `\n[truncated: ${scrubbed.length} chars in total, over the per-result budget of ~${tokenCap} tokens. ${narrowHint}]`;
  const overhead = wrapUntrusted(source, "").length + note.length;
  const keep = Math.max(0, maxChars - overhead);
  // Cut at a line boundary when one is near, so a row is never half-shown.
  let head = scrubbed.slice(0, keep);
  const lastNewline = head.lastIndexOf("\n");
  if (lastNewline > keep * 0.8) head = head.slice(0, lastNewline);
  return wrapUntrusted(source, `${head}${note}`);
}

/** Longest error text sent back for a failed call. */
const MAX_ERROR_CHARS = 4000;

/** The text of a failed call as sent back: every scrub pattern, then the known values, capped. */
export function renderToolError(text: string, extraScrub: (text: string) => string = (t) => t): string {
  return extraScrub(scrubText(text)).slice(0, MAX_ERROR_CHARS);
}
