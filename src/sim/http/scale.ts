import type { KubeObject, LabelSelector } from "../../domain/kube.js";
import { copyObject } from "../objects.js";
import { conflict, notFound } from "../status.js";
import type { Reply, ResourceRequest, SimContext } from "./context.js";
import { parseBody, readBody } from "./negotiate.js";
import { patchBody, patched } from "./resources.js";
import { asObject, commitWrite } from "./write.js";

/** The `autoscaling/v1 Scale` subresource of Deployments, ReplicaSets and StatefulSets. */

function selectorString(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector?.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(",");
    if (expression.operator === "In") parts.push(`${expression.key} in (${values})`);
    else if (expression.operator === "NotIn") parts.push(`${expression.key} notin (${values})`);
    else if (expression.operator === "Exists") parts.push(expression.key);
    else if (expression.operator === "DoesNotExist") parts.push(`!${expression.key}`);
  }
  return parts.join(",");
}

/** The Scale view of a workload. */
export function scaleOf(workload: KubeObject): KubeObject {
  const spec = (workload.spec ?? {}) as { replicas?: number; selector?: LabelSelector };
  const status = (workload.status ?? {}) as { replicas?: number };
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: workload.metadata.name,
      namespace: workload.metadata.namespace,
      uid: workload.metadata.uid,
      resourceVersion: workload.metadata.resourceVersion,
      creationTimestamp: workload.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

function workloadOf(context: SimContext, request: ResourceRequest): KubeObject {
  const { spec, namespace = "", name = "" } = request.route;
  const workload = context.store.getStored(spec.kind, namespace, name);
  if (!workload) throw notFound(spec, name);
  return workload;
}

function applyScale(
  context: SimContext,
  request: ResourceRequest,
  workload: KubeObject,
  scale: KubeObject,
): Reply {
  const { spec, name = "" } = request.route;
  const expected = scale.metadata?.resourceVersion;
  if (expected && expected !== workload.metadata.resourceVersion) throw conflict(spec, name);
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  const candidate = copyObject(workload);
  candidate.spec = { ...(candidate.spec as object), replicas: typeof replicas === "number" ? replicas : 0 };
  const stored = commitWrite(context, request, spec, candidate, workload, {
    operation: "Update",
    subresource: "scale",
  });
  return { status: 200, body: scaleOf(stored) };
}

export function getScale(context: SimContext, request: ResourceRequest): Reply {
  return { status: 200, body: scaleOf(workloadOf(context, request)) };
}

export async function updateScale(context: SimContext, request: ResourceRequest): Promise<Reply> {
  const workload = workloadOf(context, request);
  const body = parseBody(await readBody(request.request), request.request.headers["content-type"]);
  return applyScale(context, request, workload, asObject(request.route.spec, body, "Scale"));
}

export async function patchScale(context: SimContext, request: ResourceRequest): Promise<Reply> {
  const workload = workloadOf(context, request);
  const { type, patch } = await patchBody(request);
  const result = patched(scaleOf(workload), type, patch, "Scale", request.route.name ?? "");
  const scale = asObject(request.route.spec, result, "Scale");
  // The patched Scale carries the stored version unless the patch set one.
  return applyScale(context, request, workload, scale);
}
