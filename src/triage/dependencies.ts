import type { Service } from "../domain/kube.js";
import type { TriageContext } from "./context.js";
import { CONNECTION_REFUSED, CONNECTION_TIMEOUT, errorLines, hostMentions, quoteLog } from "./logs.js";
import type { PodView } from "./pod-view.js";
import { type ServiceHealth, serviceHealth } from "./services.js";
import { objectKey } from "./snapshot-index.js";

/** A Service that a pod's logs or events say it could not reach. */
export interface DependencyMention {
  health: ServiceHealth;
  /** The verbatim line naming it. */
  quote: string;
  /** Which container said it (undefined for event messages). */
  container?: string;
  failure: "refused" | "timeout" | "dns";
}

const DNS_FAILURE = /no such host|server misbehaving|NXDOMAIN|Name or service not known|getaddrinfo/i;

function failureOf(line: string): DependencyMention["failure"] | undefined {
  if (CONNECTION_REFUSED.test(line)) return "refused";
  if (DNS_FAILURE.test(line)) return "dns";
  if (CONNECTION_TIMEOUT.test(line)) return "timeout";
  return undefined;
}

/** The Service a host name means, seen from `namespace` (`db`, `db.ns`, `db.ns.svc.cluster.local`). */
function serviceFor(
  ctx: TriageContext,
  namespace: string,
  host: string,
  explicit: boolean,
): Service | undefined {
  const parts = host.split(".");
  const [name, ns, svc] = parts;
  if (!name) return undefined;
  if (parts.length === 1) {
    return explicit
      ? (ctx.index.byKey.get(objectKey("Service", namespace, name)) as Service | undefined)
      : undefined;
  }
  if (ns && (parts.length === 2 || svc === "svc")) {
    return ctx.index.byKey.get(objectKey("Service", ns, name)) as Service | undefined;
  }
  return undefined;
}

/**
 * Services that this pod failed to reach, from its logs (error lines) and event messages, in the
 * order they were mentioned. Memoized per pod.
 */
export function dependencyMentions(ctx: TriageContext, view: PodView): DependencyMention[] {
  const memoKey = `deps:${view.ref.namespace}/${view.ref.name}`;
  const cached = ctx.memo.get(memoKey) as DependencyMention[] | undefined;
  if (cached) return cached;
  const lines: { quote: string; text: string; container?: string }[] = [];
  for (const log of ctx.logs(view.pod)) {
    for (const line of errorLines(log.text, 20))
      lines.push({ quote: quoteLog(log, line), text: line, container: log.container });
  }
  for (const event of view.events) {
    if (event.message) lines.push({ quote: event.message, text: event.message });
  }
  const mentions: DependencyMention[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const failure = failureOf(line.text);
    if (!failure) continue;
    for (const mention of hostMentions(line.text)) {
      const service = serviceFor(ctx, view.ref.namespace, mention.host, mention.explicit);
      if (!service || service.metadata.name === undefined) continue;
      const key = `${service.metadata.namespace}/${service.metadata.name}`;
      // A pod talking to its own Service is not a dependency.
      const health = serviceHealth(ctx, service);
      if (health.backendNames.has(view.ref.name)) continue;
      if (seen.has(key)) continue;
      seen.add(key);
      mentions.push({
        health,
        quote: line.quote,
        failure,
        ...(line.container ? { container: line.container } : {}),
      });
    }
  }
  ctx.memo.set(memoKey, mentions);
  return mentions;
}

/** The first unreachable dependency that is itself down (so its failure explains this pod's). */
export function downDependency(ctx: TriageContext, view: PodView): DependencyMention | undefined {
  return dependencyMentions(ctx, view).find((mention) => !mention.health.up);
}
