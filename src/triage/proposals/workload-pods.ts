import type { RemediationProposal } from "../../domain/actions.js";
import type { Probe } from "../../domain/kube.js";
import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { objectKey } from "../snapshot-index.js";
import { findContainer, templateSpec } from "../workloads.js";
import { containerPath, finalize } from "./build.js";

/** At most this many delete-pod proposals per cause: past it, an operator drains the node instead. */
export const MAX_POD_DELETIONS = 25;

/** delete-pod for controller-owned pods stuck on a NotReady node, so their controller reschedules them. */
export function proposeDeletePods(
  ctx: TriageContext,
  rootCauseId: string,
  pods: ResourceRef[],
): RemediationProposal[] {
  const proposals: RemediationProposal[] = [];
  for (const ref of pods.slice(0, MAX_POD_DELETIONS)) {
    const pod = ctx.index.byKey.get(objectKey("Pod", ref.namespace, ref.name));
    if (!pod) continue;
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    const owner = ctx.owners.resolve("Pod", pod).controller;
    const proposal = finalize({
      action: {
        action: "delete-pod",
        target: { kind: "Pod", namespace: ref.namespace, name: ref.name },
        params: {},
      },
      rootCauseId,
      summary: `Delete pod ${ref.namespace}/${ref.name} stuck on NotReady node ${node}; its ${owner?.kind ?? "controller"} ${owner?.name ?? ""} recreates it on a Ready node.`,
      change: `delete Pod ${ref.namespace}/${ref.name} (spec.nodeName ${node})`,
      preconditions: {
        ...(pod.metadata.resourceVersion ? { resourceVersion: pod.metadata.resourceVersion } : {}),
        expected: { "spec.nodeName": node },
      },
      riskFacts: { podOwnedByController: owner !== undefined },
    });
    if (proposal) proposals.push(proposal);
  }
  return proposals;
}

/** Longest probe timeout proposed automatically; a health check slower than this is the bug. */
export const MAX_PROBE_TIMEOUT_SECONDS = 30;

/** patch-workload raising a timing-out probe's timeoutSeconds (to at least 5s, at most 30s). */
export function proposeProbeTimeout(
  ctx: TriageContext,
  rootCauseId: string,
  workload: ResourceRef,
  container: string,
  probe: "readinessProbe" | "livenessProbe",
): RemediationProposal[] {
  const object = ctx.index.byKey.get(objectKey(workload.kind, workload.namespace, workload.name));
  const c = findContainer(templateSpec(workload.kind, object), container);
  const current = (c?.[probe] as Probe | undefined)?.timeoutSeconds ?? 1;
  if (!object || !c?.[probe] || current >= MAX_PROBE_TIMEOUT_SECONDS) return [];
  const value = Math.min(Math.max(current * 2, 5), MAX_PROBE_TIMEOUT_SECONDS);
  const path = `${containerPath(container)}.${probe}.timeoutSeconds`;
  const proposal = finalize({
    action: {
      action: "patch-workload",
      target: workload,
      params: { container, field: `${probe}.timeoutSeconds`, value },
    },
    rootCauseId,
    summary: `Give ${workload.name} container ${container}'s ${probe} ${value}s instead of ${current}s to answer; rolls its pods. If the endpoint is slow because of load or a dependency, this only hides it.`,
    change: `${path}: ${current} -> ${value}`,
    preconditions: {
      ...(object.metadata.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
      expected: { [path]: (c[probe] as Probe).timeoutSeconds ?? null },
    },
  });
  return proposal ? [proposal] : [];
}
