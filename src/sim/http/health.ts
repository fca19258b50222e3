import type { Reply } from "./context.js";

/**
 * `/healthz`, `/livez`, `/readyz` (and `?verbose`, `/readyz/<check>`) answered from the state's
 * APIServerHealth bodies. A body with a `[-]` line means a failing check: HTTP 500 with the
 * verbose listing, as the real server does whether or not `verbose` was asked for.
 */

const READY_CHECKS = [
  "ping",
  "log",
  "etcd",
  "etcd-readiness",
  "informer-sync",
  "poststarthook/start-apiserver-admission-initializer",
  "poststarthook/generic-apiserver-start-informers",
  "poststarthook/start-apiextensions-informers",
  "poststarthook/crd-informer-synced",
  "poststarthook/bootstrap-controller",
  "poststarthook/rbac/bootstrap-roles",
  "poststarthook/scheduling/bootstrap-system-priority-classes",
  "poststarthook/apiservice-registration-controller",
  "shutdown",
];

/** The body of a healthy `/<endpoint>?verbose`. */
export function healthyBody(endpoint: "readyz" | "livez" | "healthz"): string {
  const checks =
    endpoint === "readyz"
      ? READY_CHECKS
      : READY_CHECKS.filter(
          (check) => check !== "shutdown" && check !== "etcd-readiness" && check !== "informer-sync",
        );
  return `${checks.map((check) => `[+]${check} ok`).join("\n")}\n${endpoint} check passed\n`;
}

function failing(body: string): boolean {
  return /^\[-\]/m.test(body);
}

function text(status: number, body: string): Reply {
  return {
    status,
    raw: body.endsWith("\n") || body === "ok" ? body : `${body}\n`,
    contentType: "text/plain; charset=utf-8",
  };
}

/** Answers a health path, or undefined when `path` is not one. */
export function healthReply(
  path: string,
  query: URLSearchParams,
  bodies: { readyz?: string; livez?: string },
): Reply | undefined {
  const match = /^\/(readyz|livez|healthz)(?:\/(.+))?$/.exec(path);
  if (!match) return undefined;
  const endpoint = match[1] as "readyz" | "livez" | "healthz";
  const given = endpoint === "readyz" ? bodies.readyz : endpoint === "livez" ? bodies.livez : undefined;
  const body = given ?? healthyBody(endpoint);
  const check = match[2];
  if (check) {
    const line = body.split("\n").find((candidate) => candidate.slice(3).split(" ")[0] === check);
    if (!line) return text(404, "404 page not found");
    return line.startsWith("[-]") ? text(500, `${line}\n${endpoint} check failed`) : text(200, "ok");
  }
  if (failing(body)) return text(500, body);
  return query.has("verbose") ? text(200, body) : text(200, "ok");
}
