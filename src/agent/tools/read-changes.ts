import { z } from "zod";
import { buildTimeline, renderTimeline } from "../../changes/index.js";
import { namespaceName } from "../../domain/actions.js";
import { collectSnapshot } from "../../k8s/collect.js";
import { type AgentTool, defineTool, scopedNamespace, ToolInputError } from "./registry.js";

/** Kinds the timeline reads; Secrets as metadata only, as the collector always lists them. */
const CHANGE_KINDS = [
  "deployments",
  "replicasets",
  "statefulsets",
  "daemonsets",
  "controllerrevisions",
  "configmaps",
  "secrets",
  "horizontalpodautoscalers",
  "resourcequotas",
  "limitranges",
  "networkpolicies",
  "nodes",
  "events",
  "applications",
  "kustomizations",
  "helmreleases",
] as const;

export const changeTimeline: AgentTool = defineTool({
  name: "change_timeline",
  structured: true,
  description:
    "What changed before the incident, oldest first: Deployment/StatefulSet/DaemonSet revisions (image, env, resources, command, probes), ConfigMap and Secret edits (metadata only: keys and time, never values), scaling, HPA/quota/LimitRange/NetworkPolicy/node changes, Helm release revisions and Argo CD/Flux syncs, each with its time and the managedFields manager (kubectl-edit, helm, argocd-controller…).",
  input: z.object({
    namespace: namespaceName.optional(),
    sinceMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(120)
      .describe("how far back (default 120)"),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  narrowHint: "Ask for a shorter window (sinceMinutes) or a smaller limit.",
  async run(input, ctx) {
    const namespace = scopedNamespace(input.namespace, ctx);
    if (!namespace) throw new ToolInputError("give a namespace");
    const snapshot = await collectSnapshot(
      ctx.reader,
      { namespace },
      {
        kinds: [...CHANGE_KINDS],
        maxLogs: 0,
        signal: ctx.signal,
      },
    );
    const nowMs = Date.parse(snapshot.collectedAt);
    const changes = buildTimeline(snapshot, { namespace, sinceMs: nowMs - input.sinceMinutes * 60_000 });
    const gaps = snapshot.gaps.map((gap) => `could not read: ${gap.message}`);
    return [
      `changes in ${namespace}, last ${input.sinceMinutes} min (cluster time ${snapshot.collectedAt}):`,
      renderTimeline(changes, input.limit),
      ...gaps,
    ].join("\n");
  },
});
