import type { RemediationProposal } from "../../domain/actions.js";
import type { ResourceRef } from "../../domain/types.js";
import type { TriageContext } from "../context.js";
import { formatMemory, parseQuantity } from "../quantity.js";
import { objectKey } from "../snapshot-index.js";
import { findContainer, templateSpec } from "../workloads.js";
import { containerPath, finalize } from "./build.js";
import { MAX_MEMORY_LIMIT_BYTES, sizeMemoryLimit } from "./memory-sizing.js";

export { MAX_MEMORY_LIMIT_BYTES, raisedMemoryLimit } from "./memory-sizing.js";

/** set-resources raising one container's memory limit (requests only if they would exceed it). */
export function proposeRaiseMemory(
  ctx: TriageContext,
  rootCauseId: string,
  workload: ResourceRef,
  container: string,
): RemediationProposal[] {
  const object = ctx.index.byKey.get(objectKey(workload.kind, workload.namespace, workload.name));
  const spec = templateSpec(workload.kind, object);
  const c = findContainer(spec, container);
  const init = spec?.initContainers?.some((i) => i.name === container) === true;
  const limit = c?.resources?.limits?.memory;
  const request = c?.resources?.requests?.memory;
  const sizing = sizeMemoryLimit(ctx, workload, container, limit);
  const raised = sizing?.limit;
  if (!object || !limit || !raised || init) return [];
  const path = containerPath(container);
  const requestBytes = parseQuantity(request);
  const raiseRequest = requestBytes !== undefined && requestBytes > (parseQuantity(raised) ?? 0);
  const expected: Record<string, unknown> = { [`${path}.resources.limits.memory`]: limit };
  if (request) expected[`${path}.resources.requests.memory`] = request;
  const changes = [`${path}.resources.limits.memory: ${limit} -> ${raised}`];
  if (raiseRequest) changes.push(`${path}.resources.requests.memory: ${request} -> ${raised}`);
  const proposal = finalize({
    action: {
      action: "set-resources",
      target: workload,
      params: {
        container,
        limits: { memory: raised },
        ...(raiseRequest ? { requests: { memory: raised } } : {}),
      },
    },
    rootCauseId,
    summary: `Raise ${workload.name} container ${container}'s memory limit from ${limit} to ${raised} (${sizing.basis}; at most 4x and ${formatMemory(MAX_MEMORY_LIMIT_BYTES)}); rolls its pods. Make sure the nodes have that much memory to give.`,
    change: changes.join("; "),
    preconditions: {
      ...(object.metadata.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
      expected,
    },
  });
  return proposal ? [proposal] : [];
}
