import type { LabelSelector, NetworkPolicy, Pod, Service } from "../domain/kube.js";
import type { TriageContext } from "./context.js";
import { dependencyMentions } from "./dependencies.js";
import { labelSelectorMatches } from "./labels.js";
import { errorLines, quoteLog } from "./logs.js";
import type { PodView } from "./pod-view.js";
import { objectKey } from "./snapshot-index.js";

/**
 * A simplified NetworkPolicy evaluator: enough to tell "no rule lets A reach B" from the policies in
 * the snapshot. What it cannot judge (ipBlock peers, named ports) counts as allowed, so it only
 * ever blames a policy when the policy certainly denies.
 */

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: number | string; protocol?: string }[];
}

/** A NetworkPolicy that certainly denies a path a pod needs, with the quotes that show it. */
export interface NetworkBlock {
  policy: NetworkPolicy;
  /** What was blocked, verbatim from the log, and what the policy says. */
  quotes: string[];
}

function policyTypes(policy: NetworkPolicy): string[] {
  return policy.spec?.policyTypes ?? (policy.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"]);
}

function namespaceLabels(ctx: TriageContext, namespace: string): Record<string, string> {
  const ns = ctx.index.byKey.get(objectKey("Namespace", "", namespace));
  return { "kubernetes.io/metadata.name": namespace, ...(ns?.metadata.labels ?? {}) };
}

function peerAllows(ctx: TriageContext, peer: Peer, other: Pod, policyNs: string): boolean {
  if (peer.ipBlock) return true;
  const otherNs = other.metadata.namespace ?? "";
  const nsOk = peer.namespaceSelector
    ? labelSelectorMatches(peer.namespaceSelector, namespaceLabels(ctx, otherNs))
    : otherNs === policyNs;
  const podOk = peer.podSelector ? labelSelectorMatches(peer.podSelector, other.metadata.labels) : true;
  return nsOk && podOk;
}

function portAllows(rule: Rule, port: number | undefined): boolean {
  if (!rule.ports || rule.ports.length === 0 || port === undefined) return true;
  return rule.ports.some((p) => p.port === undefined || typeof p.port === "string" || p.port === port);
}

/** The policies that isolate `pod` in `direction` and allow nothing from/to `other` on `port`. */
function denying(
  ctx: TriageContext,
  pod: Pod,
  other: Pod | undefined,
  direction: "Ingress" | "Egress",
  port: number | undefined,
): NetworkPolicy | undefined {
  const ns = pod.metadata.namespace ?? "";
  const selecting = (ctx.index.networkPoliciesByNamespace.get(ns) ?? []).filter(
    (p) =>
      policyTypes(p).includes(direction) &&
      labelSelectorMatches(p.spec?.podSelector ?? {}, pod.metadata.labels),
  );
  if (selecting.length === 0) return undefined;
  const allowed = selecting.some((policy) =>
    ((direction === "Ingress" ? policy.spec?.ingress : policy.spec?.egress) ?? []).some((raw) => {
      const rule = raw as Rule;
      const peers = direction === "Ingress" ? rule.from : rule.to;
      const peerOk =
        !peers ||
        peers.length === 0 ||
        (other !== undefined && peers.some((peer) => peerAllows(ctx, peer, other, ns)));
      return peerOk && portAllows(rule, port);
    }),
  );
  return allowed ? undefined : selecting[0];
}

function targetPort(service: Service): number | undefined {
  const first = service.spec?.ports?.[0];
  if (!first) return undefined;
  return typeof first.targetPort === "number"
    ? first.targetPort
    : first.targetPort === undefined
      ? first.port
      : undefined;
}

const DNS_TIMEOUT =
  /lookup \S+ on [\d.:[\]a-f]+: .*(i\/o timeout|no such host)|Temporary failure in name resolution|could not resolve host/i;

function policyLine(policy: NetworkPolicy): string {
  return `NetworkPolicy ${policy.metadata.namespace}/${policy.metadata.name} policyTypes ${policyTypes(policy).join(",")} selects pods ${JSON.stringify(policy.spec?.podSelector ?? {})}`;
}

/** Why this pod cannot reach what it calls, when a NetworkPolicy certainly denies it. Memoized. */
export function networkBlock(ctx: TriageContext, view: PodView): NetworkBlock | undefined {
  const memoKey = `netpol:${view.ref.namespace}/${view.ref.name}`;
  if (ctx.memo.has(memoKey)) return ctx.memo.get(memoKey) as NetworkBlock | undefined;
  let block: NetworkBlock | undefined;
  if ((ctx.index.networkPoliciesByNamespace.size ?? 0) > 0) {
    for (const mention of dependencyMentions(ctx, view)) {
      if (mention.failure !== "timeout" || !mention.health.up) continue;
      const dst = mention.health.backends.find((pod) => pod.status?.phase === "Running");
      const port = targetPort(mention.health.service);
      const policy =
        denying(ctx, view.pod, dst, "Egress", port) ??
        (dst ? denying(ctx, dst, view.pod, "Ingress", port) : undefined);
      if (policy) {
        block = { policy, quotes: [mention.quote, mention.health.state, policyLine(policy)] };
        break;
      }
    }
    if (!block) {
      const dnsLine = ctx
        .logs(view.pod)
        .flatMap((log) => errorLines(log.text, 20).map((line) => ({ log, line })))
        .find(({ line }) => DNS_TIMEOUT.test(line));
      const policy = dnsLine ? denyingDns(ctx, view.pod) : undefined;
      if (dnsLine && policy) {
        block = {
          policy,
          quotes: [
            quoteLog(dnsLine.log, dnsLine.line),
            `${policyLine(policy)}; no egress rule allows DNS (port 53)`,
          ],
        };
      }
    }
  }
  ctx.memo.set(memoKey, block);
  return block;
}

/** An egress policy isolating the pod with no rule that allows port 53 (DNS). */
function denyingDns(ctx: TriageContext, pod: Pod): NetworkPolicy | undefined {
  const ns = pod.metadata.namespace ?? "";
  const selecting = (ctx.index.networkPoliciesByNamespace.get(ns) ?? []).filter(
    (p) =>
      policyTypes(p).includes("Egress") &&
      labelSelectorMatches(p.spec?.podSelector ?? {}, pod.metadata.labels),
  );
  if (selecting.length === 0) return undefined;
  const allowsDns = selecting.some((policy) =>
    (policy.spec?.egress ?? []).some((raw) => {
      const rule = raw as Rule;
      return (
        !rule.ports ||
        rule.ports.length === 0 ||
        rule.ports.some((p) => p.port === 53 || p.port === "dns" || p.port === undefined)
      );
    }),
  );
  return allowsDns ? undefined : selecting[0];
}
