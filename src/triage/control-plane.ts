import type { ControlPlaneStatus } from "../domain/types.js";

/** The API server's health, from the body of `/readyz?verbose`. */
export interface ControlPlaneHealth {
  status: ControlPlaneStatus;
  /** Names of the failing checks (`etcd`, `poststarthook/rbac/bootstrap-roles`…). */
  failing?: string[];
  /** The failing lines and the verdict line, verbatim. */
  lines: string[];
}

/** Checks without which the API server cannot serve at all. */
const CRITICAL = new Set(["ping", "etcd", "etcd-readiness", "shutdown", "log"]);

/**
 * Parses `/readyz?verbose` (`[+]etcd ok`, `[-]etcd failed: reason withheld`, then `readyz check
 * passed|failed`). Rule: unknown without a body; unhealthy when a critical check (ping, etcd,
 * etcd-readiness, shutdown, log) fails, or the verdict is failed with no failing check named;
 * degraded when only non-critical checks (post-start hooks, informer sync) fail; else healthy.
 */
export function parseReadyz(body: string | undefined): ControlPlaneHealth {
  if (body === undefined || body.trim() === "") return { status: "unknown", lines: [] };
  const lines = body.split(/\r?\n/).map((line) => line.trim());
  const failingLines = lines.filter((line) => line.startsWith("[-]"));
  const failing = failingLines
    .map((line) => line.slice(3).split(/\s+/)[0] ?? "")
    .filter((name) => name !== "");
  const verdict = lines.find((line) => /\bcheck (passed|failed)\b/.test(line));
  const verdictFailed = verdict !== undefined && /failed/.test(verdict);
  const quoted = [...failingLines, ...(verdict ? [verdict] : [])];
  const critical = failing.some((name) => CRITICAL.has(name));
  if (critical || (verdictFailed && failing.length === 0)) {
    return { status: "unhealthy", failing, lines: quoted };
  }
  if (failing.length > 0) return { status: "degraded", failing, lines: quoted };
  const looksHealthy = verdict !== undefined || lines.some((line) => line.startsWith("[+]") || line === "ok");
  return looksHealthy ? { status: "healthy", lines: [] } : { status: "unknown", lines: lines.slice(0, 3) };
}
