import { z } from "zod";
import { kubeName, namespaceName } from "../../domain/actions.js";
import type { Endpoints, KubeObject, Pod, Service, StorageClass, Workload } from "../../domain/kube.js";
import { podStatus, table } from "./format.js";
import { resolveKind } from "./kinds.js";
import { type AgentTool, defineTool, scopedNamespace, type ToolContext, ToolInputError } from "./registry.js";

const namespaceField = namespaceName.optional();

function requireNamespace(requested: string | undefined, ctx: ToolContext): string {
  const namespace = scopedNamespace(requested, ctx);
  if (!namespace) throw new ToolInputError("give a namespace");
  return namespace;
}

function ref(object: KubeObject, kind: string): string {
  return `${object.kind ?? kind}/${object.metadata.name ?? "?"}`;
}

export const ownerChain: AgentTool = defineTool({
  name: "owner_chain",
  structured: true,
  description: "Follow ownerReferences up from an object (e.g. Pod -> ReplicaSet -> Deployment).",
  input: z.object({ kind: z.string().min(1).max(64), name: kubeName, namespace: namespaceField }),
  async run(input, ctx) {
    const namespace = requireNamespace(input.namespace, ctx);
    let kind = resolveKind(input.kind);
    if (!kind || kind.kind === "Secret") throw new ToolInputError(`unsupported kind '${input.kind}'`);
    let object = await ctx.reader.get(kind.plural, input.name, namespace, ctx.signal);
    if (!object) throw new ToolInputError(`${kind.kind} ${namespace}/${input.name} not found`);
    const chain = [ref(object, kind.kind)];
    // Bounded: real chains are at most a few levels; a cycle in bad data must not loop forever.
    for (let depth = 0; depth < 6; depth++) {
      const owner =
        object.metadata.ownerReferences?.find((o) => o.controller) ?? object.metadata.ownerReferences?.[0];
      if (!owner) break;
      kind = resolveKind(owner.kind);
      if (!kind) {
        chain.push(`${owner.kind}/${owner.name} (not readable)`);
        break;
      }
      const next = await ctx.reader.get(kind.plural, owner.name, namespace, ctx.signal);
      if (!next) {
        chain.push(`${owner.kind}/${owner.name} (missing)`);
        break;
      }
      object = next;
      chain.push(ref(object, kind.kind));
    }
    return chain.join(" -> ");
  },
});

export const serviceEndpoints: AgentTool = defineTool({
  name: "service_endpoints",
  structured: true,
  description:
    "A Service's selector and ports, its ready/not-ready endpoint addresses, and the pods its selector matches.",
  input: z.object({ service: kubeName, namespace: namespaceField }),
  async run(input, ctx) {
    const namespace = requireNamespace(input.namespace, ctx);
    const service = (await ctx.reader.get("services", input.service, namespace, ctx.signal)) as
      | Service
      | undefined;
    if (!service) throw new ToolInputError(`Service ${namespace}/${input.service} not found`);
    const selector = Object.entries(service.spec?.selector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const endpoints = (await ctx.reader.get("endpoints", input.service, namespace, ctx.signal)) as
      | Endpoints
      | undefined;
    const ready = endpoints?.subsets?.flatMap((s) => s.addresses ?? []) ?? [];
    const notReady = endpoints?.subsets?.flatMap((s) => s.notReadyAddresses ?? []) ?? [];
    const lines = [
      `Service ${namespace}/${input.service} selector: ${selector || "<none>"}`,
      `ports: ${(service.spec?.ports ?? []).map((p) => `${p.name ?? ""}:${p.port}->${p.targetPort ?? p.port}`).join(", ")}`,
      `ready endpoints (${ready.length}): ${ready.map((a) => a.targetRef?.name ?? a.ip).join(", ") || "<none>"}`,
      `not-ready endpoints (${notReady.length}): ${notReady.map((a) => a.targetRef?.name ?? a.ip).join(", ") || "<none>"}`,
    ];
    if (selector) {
      const pods = (await ctx.reader.list("pods", {
        namespace,
        labelSelector: selector,
        signal: ctx.signal,
      })) as Pod[];
      lines.push(`pods matching selector (${pods.length}):`);
      lines.push(...pods.slice(0, 30).map((p) => `  ${p.metadata.name} ${podStatus(p)}`));
    }
    return lines.join("\n");
  },
});

export const rolloutHistory: AgentTool = defineTool({
  name: "rollout_history",
  structured: true,
  description: "ReplicaSets of a Deployment with revision, images, desired/ready replicas, newest first.",
  input: z.object({ deployment: kubeName, namespace: namespaceField }),
  async run(input, ctx) {
    const namespace = requireNamespace(input.namespace, ctx);
    const deployment = (await ctx.reader.get("deployments", input.deployment, namespace, ctx.signal)) as
      | Workload
      | undefined;
    if (!deployment) throw new ToolInputError(`Deployment ${namespace}/${input.deployment} not found`);
    const sets = (
      (await ctx.reader.list("replicasets", { namespace, signal: ctx.signal })) as Workload[]
    ).filter((rs) =>
      rs.metadata.ownerReferences?.some((o) => o.kind === "Deployment" && o.name === input.deployment),
    );
    const revision = (rs: Workload) =>
      Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
    sets.sort((a, b) => revision(b) - revision(a));
    if (sets.length === 0) return `Deployment ${input.deployment} has no ReplicaSets.`;
    const rows = sets.map((rs) => [
      String(revision(rs) || "?"),
      rs.metadata.name ?? "",
      (rs.spec?.template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? ""}`).join(","),
      String(rs.spec?.replicas ?? 0),
      String(rs.status?.readyReplicas ?? 0),
      rs.metadata.creationTimestamp ?? "",
    ]);
    return table(["REVISION", "REPLICASET", "IMAGES", "DESIRED", "READY", "CREATED"], rows);
  },
});

export const storageClasses: AgentTool = defineTool({
  name: "storage_classes",
  structured: true,
  description: "StorageClasses with provisioner, binding mode and which one is the default.",
  input: z.object({}),
  async run(_input, ctx) {
    const classes = (await ctx.reader.list("storageclasses", { signal: ctx.signal })) as StorageClass[];
    if (classes.length === 0) return "No StorageClasses exist.";
    const isDefault = (sc: StorageClass) =>
      sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true" ? "yes" : "";
    return table(
      ["NAME", "PROVISIONER", "BINDING", "RECLAIM", "DEFAULT"],
      classes.map((sc) => [
        sc.metadata.name ?? "",
        sc.provisioner ?? "",
        sc.volumeBindingMode ?? "",
        sc.reclaimPolicy ?? "",
        isDefault(sc),
      ]),
    );
  },
});

export const readyz: AgentTool = defineTool({
  name: "readyz",
  description: "The API server's /readyz?verbose health checks (control-plane health).",
  input: z.object({}),
  async run(_input, ctx) {
    return (await ctx.reader.readyz(ctx.signal)).trim() || "(empty response)";
  },
});

export const TOPOLOGY_TOOLS: AgentTool[] = [
  ownerChain,
  serviceEndpoints,
  rolloutHistory,
  storageClasses,
  readyz,
];
