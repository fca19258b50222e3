import type { PodLog } from "../domain/types.js";

/** Reading container logs for evidence: the lines that say what went wrong, quoted verbatim. */

const ERROR_LINE =
  /\b(error|fatal|panic|exception|refused|timed? ?out|timeout|unreachable|no such host|denied|forbidden|failed|cannot|could not|unable|killed|out of memory|NXDOMAIN|can't resolve|server can't find|SERVFAIL)\b/i;

/** Log lines that look like errors (last `limit` of them), else the last non-empty line. */
export function errorLines(text: string, limit = 3): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  const errors = lines.filter((line) => ERROR_LINE.test(line));
  if (errors.length > 0) return errors.slice(-limit);
  const last = lines.at(-1);
  return last ? [last] : [];
}

/** `log prod-api/auth-7c9 [migrate-db, previous]: <line verbatim>`. */
export function quoteLog(log: PodLog, line: string): string {
  return `log ${log.namespace}/${log.pod} [${log.container}${log.previous ? ", previous" : ""}]: ${line}`;
}

/** Error lines of one container's logs (previous run first: that is the one that crashed). */
export function containerErrorQuotes(logs: PodLog[], container: string, limit = 3): string[] {
  const mine = logs
    .filter((log) => log.container === container)
    .sort((a, b) => Number(b.previous) - Number(a.previous));
  const quotes: string[] = [];
  for (const log of mine) {
    for (const line of errorLines(log.text, limit)) quotes.push(quoteLog(log, line));
  }
  return quotes.slice(0, limit);
}

/** Log phrases of a dependency that answers "nobody is listening" (or cannot be routed to). */
export const CONNECTION_REFUSED =
  /connection refused|ECONNREFUSED|connect: connection reset|no route to host|EHOSTUNREACH/i;
/** Log phrases of a dependency that never answers (down, or traffic dropped on the way). */
export const CONNECTION_TIMEOUT =
  /i\/o timeout|ETIMEDOUT|connection timed out|context deadline exceeded|timed out/i;

const HOST =
  /(?:^|[^a-zA-Z0-9.-])((?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)(:\d{1,5})?/g;

/** A structured-log field whose value is a host: `"upstream":"auth-service"`, `host=db`, `service: x`. */
const HOST_FIELD =
  /\b(?:upstream|upstream_host|host|hostname|service|backend|target|server|addr|address)["']?\s*[:=]\s*["']?$/i;

/** Log phrases of an upstream that answered "nothing healthy behind me" (proxies, gRPC, HTTP 502/503). */
export const UPSTREAM_UNAVAILABLE =
  /no healthy upstream|upstream connect error|\bUNAVAILABLE\b|\b50[23]\b|Bad Gateway|Service Unavailable/;

/** A host name a log line names, and whether it was written with a port or URL prefix. */
export interface HostMention {
  host: string;
  /**
   * True for `db:5432`, `//db`, `@db` and structured fields (`"upstream":"db"`): a single-label
   * name only counts as a host in these forms.
   */
  explicit: boolean;
}

/** Host names and IPs written in a log line, in order. */
export function hostMentions(line: string): HostMention[] {
  const mentions: HostMention[] = [];
  for (const match of line.matchAll(HOST)) {
    const host = match[1];
    if (!host) continue;
    const start = (match.index ?? 0) + match[0].indexOf(host);
    const before = line.slice(Math.max(0, start - 2), start);
    const explicit =
      match[2] !== undefined ||
      before.endsWith("//") ||
      before.endsWith("@") ||
      HOST_FIELD.test(line.slice(Math.max(0, start - 24), start));
    mentions.push({ host: host.replace(/\.$/, ""), explicit });
  }
  return mentions;
}
