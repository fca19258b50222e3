import { z } from "zod";
import { kubeName, namespaceName } from "../../domain/actions.js";
import type { KubeEvent, KubeObject } from "../../domain/kube.js";
import { EVENT_HEADER, eventRow, rowsFor, table, toYaml, trimObject } from "./format.js";
import { READABLE_KIND_NAMES, type ReadableKind, resolveKind } from "./kinds.js";
import {
  type AgentTool,
  allowedItems,
  defineTool,
  scopedNamespace,
  type ToolContext,
  ToolInputError,
} from "./registry.js";

const kindField = z.string().min(1).max(64).describe("Kind, e.g. Pod, Deployment, PersistentVolumeClaim");
const kindListField = z
  .string()
  .min(1)
  .max(64)
  .describe(`One of ${READABLE_KIND_NAMES.join(", ")}`);
const namespaceField = namespaceName.optional();
const limitField = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

function kindOf(name: string, opts: { fetchable?: boolean } = {}): ReadableKind {
  const kind = resolveKind(name);
  if (!kind)
    throw new ToolInputError(
      `unknown or unreadable kind '${name}'; use one of ${READABLE_KIND_NAMES.join(", ")}`,
    );
  if (opts.fetchable && kind.kind === "Secret") {
    throw new ToolInputError("Secrets are never read; list_resources shows which Secrets exist");
  }
  return kind;
}

async function fetchObject(
  kind: ReadableKind,
  name: string,
  namespace: string | undefined,
  ctx: ToolContext,
) {
  if (kind.namespaced && !namespace) throw new ToolInputError(`${kind.kind} is namespaced: give a namespace`);
  const object = await ctx.reader.get(kind.plural, name, kind.namespaced ? namespace : undefined, ctx.signal);
  if (!object) throw new ToolInputError(`${kind.kind} ${namespace ? `${namespace}/` : ""}${name} not found`);
  ctx.secrets?.harvest(object);
  return object;
}

/** Events about one object, newest last. */
export async function eventsFor(object: KubeObject, kind: string, ctx: ToolContext): Promise<KubeEvent[]> {
  const events = (await ctx.reader.list("events", {
    namespace: object.metadata.namespace,
    signal: ctx.signal,
  })) as KubeEvent[];
  return sortEvents(
    events.filter(
      (e) => e.involvedObject?.name === object.metadata.name && (e.involvedObject?.kind ?? kind) === kind,
    ),
  );
}

function sortEvents(events: KubeEvent[]): KubeEvent[] {
  const at = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? "";
  return [...events].sort((a, b) => at(a).localeCompare(at(b)));
}

function limited(rows: string[][], limit: number): { rows: string[][]; note: string } {
  if (rows.length <= limit) return { rows, note: "" };
  return {
    rows: rows.slice(0, limit),
    note: `\n(${rows.length - limit} more rows; narrow with labelSelector or raise limit)`,
  };
}

export const listResources: AgentTool = defineTool({
  name: "list_resources",
  structured: true,
  description:
    "List objects of one kind as compact table rows (like kubectl get). Use labelSelector to narrow. Secrets show names and type only.",
  input: z.object({
    kind: kindListField,
    namespace: namespaceField,
    labelSelector: z.string().max(256).optional().describe("e.g. app=api,tier!=cache"),
    limit: limitField(200, 50),
  }),
  narrowHint: "Use labelSelector or a smaller limit.",
  async run(input, ctx) {
    const kind = kindOf(input.kind);
    const namespace = kind.namespaced ? scopedNamespace(input.namespace, ctx) : undefined;
    const items = allowedItems(
      await ctx.reader.list(kind.plural, {
        namespace,
        labelSelector: input.labelSelector,
        signal: ctx.signal,
      }),
      ctx,
    );
    for (const item of items) ctx.secrets?.harvest(item);
    const sorted = kind.kind === "Event" ? sortEvents(items as KubeEvent[]).reverse() : items;
    const { header, rows } = rowsFor(kind.kind, sorted);
    if (rows.length === 0) return `No ${kind.plural} found${namespace ? ` in ${namespace}` : ""}.`;
    const withNs = !namespace && kind.namespaced;
    const cut = limited(
      withNs ? rows.map((row, i) => [sorted[i]?.metadata.namespace ?? "", ...row]) : rows,
      input.limit,
    );
    return table(withNs ? ["NAMESPACE", ...header] : header, cut.rows) + cut.note;
  },
});

export const getResource: AgentTool = defineTool({
  name: "get_resource",
  structured: true,
  description:
    "One object as YAML with noise (managedFields, last-applied) removed and secret values redacted.",
  input: z.object({ kind: kindField, name: kubeName, namespace: namespaceField }),
  narrowHint: "Use list_resources or describe for a summary instead.",
  async run(input, ctx) {
    const kind = kindOf(input.kind, { fetchable: true });
    const object = await fetchObject(
      kind,
      input.name,
      kind.namespaced ? scopedNamespace(input.namespace, ctx) : undefined,
      ctx,
    );
    return toYaml(trimObject(object));
  },
});

export const describeResource: AgentTool = defineTool({
  name: "describe",
  structured: true,
  description: "An object (trimmed YAML) followed by the events about it, like kubectl describe.",
  input: z.object({ kind: kindField, name: kubeName, namespace: namespaceField }),
  narrowHint: "Use get_events with filters or get_resource for the object alone.",
  async run(input, ctx) {
    const kind = kindOf(input.kind, { fetchable: true });
    const object = await fetchObject(
      kind,
      input.name,
      kind.namespaced ? scopedNamespace(input.namespace, ctx) : undefined,
      ctx,
    );
    const events = await eventsFor(object, kind.kind, ctx);
    const eventText = events.length ? table(EVENT_HEADER, events.slice(-20).map(eventRow)) : "<none>";
    return `${toYaml(trimObject(object))}\n\nEvents:\n${eventText}`;
  },
});

export const getEvents: AgentTool = defineTool({
  name: "get_events",
  structured: true,
  description: "Events in a namespace, newest first, filtered by type, reason, involved kind/name.",
  input: z.object({
    namespace: namespaceField,
    type: z.enum(["Warning", "Normal"]).optional(),
    reason: z.string().max(128).optional(),
    involvedKind: z.string().max(64).optional(),
    involvedName: z.string().max(253).optional(),
    limit: limitField(200, 40),
  }),
  narrowHint: "Filter by type, reason or involvedName, or lower limit.",
  async run(input, ctx) {
    const namespace = scopedNamespace(input.namespace, ctx);
    const events = allowedItems(
      (await ctx.reader.list("events", { namespace, signal: ctx.signal })) as KubeEvent[],
      ctx,
    );
    const wanted = events.filter(
      (e) =>
        (!input.type || e.type === input.type) &&
        (!input.reason || e.reason === input.reason) &&
        (!input.involvedKind || e.involvedObject?.kind?.toLowerCase() === input.involvedKind.toLowerCase()) &&
        (!input.involvedName || e.involvedObject?.name === input.involvedName),
    );
    if (wanted.length === 0) return "No matching events.";
    const cut = limited(sortEvents(wanted).reverse().map(eventRow), input.limit);
    return table(EVENT_HEADER, cut.rows) + cut.note;
  },
});

export const podLogs: AgentTool = defineTool({
  name: "pod_logs",
  description:
    "Tail of a container's log (previous=true for the crashed instance). grep keeps only lines containing the text (case-insensitive).",
  input: z.object({
    pod: kubeName,
    namespace: namespaceField,
    container: kubeName.optional(),
    previous: z.boolean().default(false),
    tailLines: z.number().int().min(1).max(500).default(100),
    grep: z.string().min(1).max(200).optional(),
  }),
  narrowHint: "Lower tailLines or add grep.",
  async run(input, ctx) {
    const namespace = scopedNamespace(input.namespace, ctx);
    if (!namespace) throw new ToolInputError("pod_logs needs a namespace");
    // The pod's own env values are the likeliest secrets to show up in its log.
    const pod = await ctx.reader.get("pods", input.pod, namespace, ctx.signal);
    if (!pod) throw new ToolInputError(`Pod ${namespace}/${input.pod} not found`);
    ctx.secrets?.harvest(pod);
    const text = await ctx.reader.podLog(namespace, input.pod, {
      container: input.container,
      previous: input.previous,
      tailLines: input.tailLines,
      limitBytes: 256 * 1024,
      signal: ctx.signal,
    });
    // Substring match rather than a model-supplied regex: no ReDoS from untrusted patterns.
    const needle = input.grep?.toLowerCase();
    const lines = text.split("\n").filter((line) => !needle || line.toLowerCase().includes(needle));
    const body = lines.slice(-input.tailLines).join("\n").trim();
    return body || (needle ? `No lines contain '${input.grep}'.` : "Log is empty.");
  },
});

export const BASIC_READ_TOOLS: AgentTool[] = [
  listResources,
  getResource,
  describeResource,
  getEvents,
  podLogs,
];
