import { stringify } from "yaml";
import { approxTokens } from "../agent/result-text.js";
import { resolveKind } from "../agent/tools/kinds.js";
import type { RecordedRequest } from "../dev/fake-anthropic.js";
import type { KubeEvent, KubeObject } from "../domain/kube.js";
import type { TriageResult } from "../domain/types.js";
import type { ClusterReader } from "../k8s/reader.js";

/**
 * The naive baseline of the token bench: the same conversation (same turns, same calls) but with
 * what a straightforward integration sends — the triage as full JSON and every tool answered with
 * full `-o yaml` / describe dumps and whole logs, resent every turn. Counted in approximate tokens
 * (chars / 4), like the agent's own requests.
 */

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

interface Call {
  name: string;
  input: Record<string, unknown>;
}

async function naiveDump(call: Call, namespace: string, reader: ClusterReader): Promise<string> {
  const ns = typeof call.input.namespace === "string" ? call.input.namespace : namespace;
  const str = (key: string) => (typeof call.input[key] === "string" ? (call.input[key] as string) : "");
  const events = async () => (await reader.list("events", { namespace: ns })) as KubeEvent[];
  try {
    switch (call.name) {
      case "list_resources": {
        const kind = resolveKind(str("kind"));
        return kind ? yaml(await reader.list(kind.plural, kind.namespaced ? { namespace: ns } : {})) : "";
      }
      case "get_resource":
      case "describe": {
        const kind = resolveKind(str("kind"));
        if (!kind) return "";
        const object = await reader.get(kind.plural, str("name"), kind.namespaced ? ns : undefined);
        const related =
          call.name === "describe"
            ? (await events()).filter((e) => e.involvedObject?.name === str("name"))
            : [];
        return yaml(object) + yaml(related);
      }
      case "get_events":
        return yaml(await events());
      case "pod_logs":
        return await reader.podLog(ns, str("pod"), {
          ...(str("container") ? { container: str("container") } : {}),
          previous: call.input.previous === true,
        });
      case "rollout_history":
        return yaml([
          await reader.get("deployments", str("deployment"), ns),
          ...(await reader.list("replicasets", { namespace: ns })),
        ]);
      case "owner_chain": {
        const kind = resolveKind(str("kind"));
        const chain: (KubeObject | undefined)[] = [];
        let object = kind ? await reader.get(kind.plural, str("name"), ns) : undefined;
        for (let depth = 0; object && depth < 6; depth++) {
          chain.push(object);
          const owner = object.metadata.ownerReferences?.[0];
          const ownerKind = owner ? resolveKind(owner.kind) : undefined;
          object = owner && ownerKind ? await reader.get(ownerKind.plural, owner.name, ns) : undefined;
        }
        return yaml(chain);
      }
      case "service_endpoints":
        return yaml([
          await reader.get("services", str("service"), ns),
          await reader.get("endpoints", str("service"), ns),
          ...(await reader.list("pods", { namespace: ns })),
        ]);
      case "storage_classes":
        return yaml(await reader.list("storageclasses"));
      case "readyz":
        return await reader.readyz();
      default:
        return "";
    }
  } catch {
    return "";
  }
}

/** Tokens of the prefix both sides resend every turn: system prompt and tool definitions. */
export function prefixTokens(request: RecordedRequest): number {
  return approxTokens(JSON.stringify([request.body.system, request.body.tools]));
}

/** Tokens the naive integration would send for the recorded conversation. */
export async function naiveBaselineTokens(
  requests: readonly RecordedRequest[],
  triage: TriageResult,
  reader: ClusterReader,
): Promise<number> {
  const last = requests.at(-1);
  if (!last) return 0;
  const fixed =
    approxTokens(JSON.stringify([last.body.system, last.body.tools])) +
    approxTokens(JSON.stringify(triage, null, 2));
  const calls = new Map<string, Call>();
  for (const message of last.body.messages) {
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_use" && block.id && block.name) {
        calls.set(block.id, { name: block.name, input: (block.input ?? {}) as Record<string, unknown> });
      }
    }
  }
  const dumpTokens = new Map<string, number>();
  for (const [id, call] of calls)
    dumpTokens.set(id, approxTokens(await naiveDump(call, triage.namespace, reader)));
  let total = 0;
  for (const request of requests) {
    let tokens = fixed;
    for (const message of request.body.messages.slice(1)) {
      if (typeof message.content === "string") {
        tokens += approxTokens(message.content);
        continue;
      }
      for (const block of message.content) {
        tokens +=
          block.type === "tool_result" && block.tool_use_id
            ? (dumpTokens.get(block.tool_use_id) ?? 0)
            : approxTokens(JSON.stringify(block));
      }
    }
    total += tokens;
  }
  return total;
}

/** Tokens the agent actually sent (whole request bodies, before any cache discount). */
export function sentTokens(requests: readonly RecordedRequest[]): number {
  return requests.reduce((sum, request) => sum + approxTokens(request.raw), 0);
}
