import type { Service } from "../domain/kube.js";
import type { PodLog } from "../domain/types.js";
import type { TriageContext } from "./context.js";
import {
  CONNECTION_REFUSED,
  CONNECTION_TIMEOUT,
  errorLines,
  hostMentions,
  quoteLog,
  UPSTREAM_UNAVAILABLE,
} from "./logs.js";
import type { PodView } from "./pod-view.js";
import { type ServiceHealth, serviceHealth } from "./services.js";
import { objectKey } from "./snapshot-index.js";

/** A Service that a pod's logs or events say it could not reach. */
export interface DependencyMention {
  health: ServiceHealth;
  /** The verbatim line(s) naming it and saying what failed. */
  quote: string;
  /** Which container said it (undefined for event messages). */
  container?: string;
  failure: "refused" | "timeout" | "dns" | "unavailable";
}

const DNS_FAILURE = /no such host|server misbehaving|NXDOMAIN|Name or service not known|getaddrinfo/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function failureOf(line: string): DependencyMention["failure"] | undefined {
  if (CONNECTION_REFUSED.test(line)) return "refused";
  if (DNS_FAILURE.test(line)) return "dns";
  if (CONNECTION_TIMEOUT.test(line)) return "timeout";
  if (UPSTREAM_UNAVAILABLE.test(line)) return "unavailable";
  return undefined;
}

/** Services by ClusterIP, built once per run (apps often log the IP they dialled, not the name). */
function servicesByIp(ctx: TriageContext): Map<string, Service> {
  let map = ctx.memo.get("services-by-ip") as Map<string, Service> | undefined;
  if (!map) {
    map = new Map();
    for (const service of ctx.snapshot.services) {
      const ip = service.spec?.clusterIP;
      if (ip && ip !== "None") map.set(ip, service);
    }
    ctx.memo.set("services-by-ip", map);
  }
  return map;
}

/**
 * The Service a host means, seen from `namespace`: its ClusterIP, `db` (only when written as a
 * host: `db:5432`, `//db`, `@db`), `db.ns`, or `db.ns.svc.<cluster domain>`.
 */
function serviceFor(
  ctx: TriageContext,
  namespace: string,
  host: string,
  explicit: boolean,
): Service | undefined {
  if (IPV4.test(host)) return servicesByIp(ctx).get(host);
  const parts = host.split(".");
  const [name, ns, svc] = parts;
  if (!name) return undefined;
  const lookup = (n: string, s: string) =>
    ctx.index.byKey.get(objectKey("Service", s, n)) as Service | undefined;
  if (parts.length === 1) return explicit ? lookup(name, namespace) : undefined;
  if (ns && (parts.length === 2 || svc === "svc")) return lookup(name, ns);
  return undefined;
}

function servicesIn(ctx: TriageContext, namespace: string, text: string, explicitOnly: boolean): Service[] {
  const found: Service[] = [];
  for (const mention of hostMentions(text)) {
    if (explicitOnly && !mention.explicit && !mention.host.includes(".")) continue;
    const service = serviceFor(ctx, namespace, mention.host, mention.explicit);
    if (service?.metadata.name !== undefined) found.push(service);
  }
  return found;
}

/** The first line of a log that names a Service as a host, once per log. */
function contextOf(
  ctx: TriageContext,
  namespace: string,
  log: PodLog,
): { line: string; services: Service[] } | undefined {
  const memoKey = `log-context:${log.namespace}/${log.pod}/${log.container}/${log.previous}`;
  if (ctx.memo.has(memoKey))
    return ctx.memo.get(memoKey) as { line: string; services: Service[] } | undefined;
  let found: { line: string; services: Service[] } | undefined;
  for (const line of log.text.split(/\r?\n/)) {
    const services = servicesIn(ctx, namespace, line, true);
    if (services.length > 0) {
      found = { line: line.trim(), services };
      break;
    }
  }
  ctx.memo.set(memoKey, found);
  return found;
}

/** Env names whose value is where a dependency lives: `AUTH_HOST`, `PAYMENTS_URL`, `DB_ADDR`. */
const ENDPOINT_ENV = /_(?:HOST|HOSTNAME|URL|URI|ADDR|ADDRESS|ENDPOINT|SERVICE|SERVER)$/;

/** Services the pod's env names as endpoints (`AUTH_URL=http://auth-service:8080`), once per pod. */
function envServices(ctx: TriageContext, view: PodView): Service[] {
  const memoKey = `env-services:${view.ref.namespace}/${view.ref.name}`;
  const cached = ctx.memo.get(memoKey) as Service[] | undefined;
  if (cached) return cached;
  const found: Service[] = [];
  for (const container of view.pod.spec.containers) {
    for (const env of container.env ?? []) {
      if (!ENDPOINT_ENV.test(env.name) || !env.value) continue;
      // An env value is an endpoint by its name: a bare `auth-service` counts as a host here.
      for (const mention of hostMentions(env.value)) {
        const service = serviceFor(ctx, view.ref.namespace, mention.host, true);
        if (service && !found.includes(service)) found.push(service);
      }
    }
  }
  ctx.memo.set(memoKey, found);
  return found;
}

interface Line {
  quote: string;
  text: string;
  container?: string;
  /** The whole log the line came from: a failure line naming no Service borrows from it. */
  log?: PodLog;
}

/**
 * Services that this pod failed to reach, from its logs (error lines) and event messages, in the
 * order they were mentioned: connection refused, timeouts, DNS failures, and upstreams reported
 * unavailable (`no healthy upstream`, gRPC `UNAVAILABLE`, HTTP 502/503). A failure line that names
 * no Service (`dial tcp <ip>: connection refused` after `connecting to redis://redis.payments…`)
 * is attributed to the Services the same log names as hosts elsewhere, else to those its env names
 * as endpoints (`*_HOST`, `*_URL`). Memoized per pod.
 */
export function dependencyMentions(ctx: TriageContext, view: PodView): DependencyMention[] {
  const memoKey = `deps:${view.ref.namespace}/${view.ref.name}`;
  const cached = ctx.memo.get(memoKey) as DependencyMention[] | undefined;
  if (cached) return cached;
  const namespace = view.ref.namespace;
  const lines: Line[] = [];
  for (const log of ctx.logs(view.pod)) {
    for (const line of errorLines(log.text, 20)) {
      lines.push({ quote: quoteLog(log, line), text: line, container: log.container, log });
    }
  }
  for (const event of view.events) {
    if (event.message) lines.push({ quote: event.message, text: event.message });
  }
  const mentions: DependencyMention[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const failure = failureOf(line.text);
    if (!failure) continue;
    let services = servicesIn(ctx, namespace, line.text, false);
    let quote = line.quote;
    if (services.length === 0 && line.log) {
      const context = contextOf(ctx, namespace, line.log);
      if (context) {
        services = context.services;
        quote = `${quoteLog(line.log, context.line)} … ${line.text}`;
      }
    }
    if (services.length === 0 && line.log) {
      // `connection refused` naming nothing: the env says where this pod's dependencies live.
      services = envServices(ctx, view);
      if (services.length > 0) {
        const names = services.map((s) => s.metadata.name).join(", ");
        quote = `${line.quote} (its env names Service ${names})`;
      }
    }
    for (const service of services) {
      const key = `${service.metadata.namespace}/${service.metadata.name}`;
      const health = serviceHealth(ctx, service);
      // A pod talking to its own Service is not a dependency.
      if (seen.has(key) || health.backendNames.has(view.ref.name)) continue;
      seen.add(key);
      mentions.push({ health, quote, failure, ...(line.container ? { container: line.container } : {}) });
    }
  }
  ctx.memo.set(memoKey, mentions);
  return mentions;
}

/** The first unreachable dependency that is itself down (so its failure explains this pod's). */
export function downDependency(ctx: TriageContext, view: PodView): DependencyMention | undefined {
  return dependencyMentions(ctx, view).find((mention) => !mention.health.up);
}

/** Every unreachable dependency of the pod that is itself down, in mention order. */
export function downDependencies(ctx: TriageContext, view: PodView): DependencyMention[] {
  return dependencyMentions(ctx, view).filter((mention) => !mention.health.up);
}
