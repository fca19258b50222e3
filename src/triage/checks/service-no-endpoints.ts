import type { Service, Workload } from "../../domain/kube.js";
import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { type Finding, kubectl, makeFinding } from "../finding.js";
import { formatSelector } from "../labels.js";
import { refOf } from "../owners.js";
import { serviceHealth } from "../services.js";

/** Ingresses in the namespace that route to the Service. */
export function ingressesRoutingTo(ctx: TriageContext, service: Service): ResourceRef[] {
  const name = service.metadata.name;
  return inNamespace(ctx, "ingresses", ctx.snapshot.ingresses, service.metadata.namespace)
    .filter((ing) =>
      [
        ing.spec?.defaultBackend,
        ...(ing.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend)),
      ].some((backend) => backend?.service?.name === name),
    )
    .map((ing) => refOf("Ingress", ing));
}

/** Objects of one list in one namespace, grouped once per run (no services x workloads scan). */
function inNamespace<T extends { metadata: { namespace?: string } }>(
  ctx: TriageContext,
  list: string,
  items: T[],
  namespace: string | undefined,
): T[] {
  const memoKey = `by-namespace:${list}`;
  let groups = ctx.memo.get(memoKey) as Map<string, T[]> | undefined;
  if (!groups) {
    groups = new Map();
    for (const item of items) {
      const ns = item.metadata.namespace ?? "";
      const group = groups.get(ns);
      if (group) group.push(item);
      else groups.set(ns, [item]);
    }
    ctx.memo.set(memoKey, groups);
  }
  return groups.get(namespace ?? "") ?? [];
}

/** Workload templates whose labels nearly match: same keys, some value differs (a typo). */
function nearMisses(ctx: TriageContext, service: Service): { quotes: string[]; scaledToZero: string[] } {
  const selector = service.spec?.selector ?? {};
  const namespace = service.metadata.namespace;
  const quotes: string[] = [];
  const scaledToZero: string[] = [];
  const lists: [string, Workload[]][] = [
    ["Deployment", inNamespace(ctx, "deployments", ctx.snapshot.deployments, namespace)],
    ["StatefulSet", inNamespace(ctx, "statefulSets", ctx.snapshot.statefulSets, namespace)],
  ];
  for (const [kind, list] of lists) {
    for (const workload of list) {
      const labels = workload.spec?.template?.metadata?.labels ?? {};
      const keys = Object.keys(selector);
      const matches = keys.filter((k) => labels[k] === selector[k]).length;
      if (matches === keys.length && (workload.spec?.replicas ?? 1) === 0) {
        scaledToZero.push(`${kind} ${namespace}/${workload.metadata.name}`);
      } else if (keys.every((k) => k in labels) && matches < keys.length) {
        quotes.push(
          `${kind} ${namespace}/${workload.metadata.name} pod labels ${formatSelector(labels)} (selector wants ${formatSelector(selector)})`,
        );
      }
    }
  }
  return { quotes, scaledToZero };
}

/** service-no-endpoints: a Service whose selector matches no pod at all. */
export function checkServiceNoEndpoints(ctx: TriageContext): Finding[] {
  const findings: Finding[] = [];
  for (const service of ctx.snapshot.services) {
    if (!ctx.inScope(service.metadata.namespace)) continue;
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const health = serviceHealth(ctx, service);
    if (health.backends.length > 0) continue;
    const near = nearMisses(ctx, service);
    const ref = health.ref;
    const scaled = near.scaledToZero.length > 0;
    const ingresses = ingressesRoutingTo(ctx, service);
    // Scaled to 0 on purpose and nothing routes to it: a parked service, not an incident.
    if (scaled && ingresses.length === 0) continue;
    findings.push(
      makeFinding({
        category: "service-no-endpoints",
        resource: ref,
        affected: [ref, ...ingresses],
        evidence: [
          health.state,
          ...near.quotes,
          ...near.scaledToZero.map((w) => `${w} matches the selector but is scaled to 0 replicas`),
        ],
        confidence: scaled ? 0.6 : near.quotes.length > 0 ? 0.9 : 0.8,
        summary: scaled
          ? `Service ${ref.name} has no endpoints: the workload behind it (${near.scaledToZero.join(", ")}) is scaled to 0`
          : `Service ${ref.name} has no endpoints: selector ${formatSelector(selector)} matches no pods in ${ref.namespace}`,
        nextSteps: [
          near.quotes.length > 0
            ? "Make the Service selector and the pod template labels agree (the near-miss is quoted in the evidence)."
            : "Check which workload should back this Service and whether it exists in this namespace.",
        ],
        commands: [
          `${kubectl(ref.namespace)} get endpoints ${ref.name}`,
          `${kubectl(ref.namespace)} get pods -l ${formatSelector(selector)}`,
          `${kubectl(ref.namespace)} get pods --show-labels`,
        ],
      }),
    );
  }
  return findings;
}
