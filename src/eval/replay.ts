import type { RecordedRequest, ScriptTurn } from "../dev/fake-anthropic.js";
import { resultText } from "../dev/fake-anthropic.js";

/**
 * The replay "model" of `npm run eval` and the token bench: a deterministic script that behaves
 * like a careful investigator. It reads the findings in the first turn, looks at the pods and
 * Warning events, describes each root cause's object and its history and logs, then submits an
 * RCA whose evidence quotes lines of the tool results it actually received (cited by their
 * tool_use ids). It exercises the real loop, tools, caps and validation end to end.
 */

interface Finding {
  id: string;
  category: string;
  kind: string;
  namespace: string;
  name: string;
}

const FINDING = /^- \[(([a-z-]+):([A-Za-z]+)\/([^/\]]*)\/([^\]]+))\] [a-z-]+ \(confidence/gm;
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

function firstUserText(request: RecordedRequest): string {
  const first = request.body.messages[0];
  if (!first) return "";
  return typeof first.content === "string" ? first.content : first.content.map((b) => b.text ?? "").join("");
}

function findings(request: RecordedRequest): Finding[] {
  const text = firstUserText(request);
  return [...text.matchAll(FINDING)].map((m) => ({
    id: m[1]!,
    category: m[2]!,
    kind: m[3]!,
    namespace: m[4]!,
    name: m[5]!,
  }));
}

function investigatedNamespace(request: RecordedRequest): string | undefined {
  return /Investigate namespace '([^']+)'/.exec(firstUserText(request))?.[1];
}

/** Every tool result so far, by tool_use id. */
function allResults(request: RecordedRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const message of request.body.messages) {
    if (message.role !== "user" || typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_result" && !block.is_error && block.tool_use_id)
        out.set(block.tool_use_id, resultText(block));
    }
  }
  return out;
}

/** A verbatim line about `name` from the results, preferring lines that say what went wrong. */
function quoteFor(name: string, results: Map<string, string>): { quote: string; source: string } | undefined {
  const signal =
    /(Warning|Failed|Error|BackOff|OOMKilled|not found|forbidden|exceeded|Insufficient|refused|Unhealthy|FailedScheduling|no such host)/;
  for (const strong of [true, false]) {
    for (const [id, text] of results) {
      for (const line of text.split("\n")) {
        if (line.startsWith("<") || !line.includes(name)) continue;
        if (strong && !signal.test(line)) continue;
        return { quote: line.trim().slice(0, 400), source: id };
      }
    }
  }
  return undefined;
}

function investigateTurn(found: Finding[]): ScriptTurn {
  const calls: { name: string; input: unknown }[] = [];
  for (const f of found.slice(0, 3)) {
    const ns = f.namespace ? { namespace: f.namespace } : {};
    if (f.kind !== "Secret") calls.push({ name: "describe", input: { kind: f.kind, name: f.name, ...ns } });
    if (f.kind === "Deployment")
      calls.push({ name: "rollout_history", input: { deployment: f.name, ...ns } });
  }
  if (calls.length === 0) calls.push({ name: "readyz", input: {} });
  return { kind: "tool_use", calls };
}

function submit(request: RecordedRequest, found: Finding[]): ScriptTurn {
  const results = allResults(request);
  const rootCauses = found.map((f) => {
    const quote = quoteFor(f.name, results);
    return {
      category: f.category,
      name: `${f.category} in ${f.kind} ${f.name}`,
      summary: `${f.kind} ${f.namespace}/${f.name}: ${f.category}, confirmed from the cluster state.`,
      resource: { kind: f.kind, namespace: f.namespace, name: f.name },
      affected: [],
      evidence: [...(quote ? [quote] : []), { quote: `[${f.id}]`, source: "triage" }],
      confidence: quote ? 0.85 : 0.6,
    };
  });
  const plan = found
    .filter((f) => WORKLOADS.has(f.kind))
    .map((f) => `${f.kind} ${f.namespace}/${f.name} reports all desired replicas ready`);
  return {
    kind: "final",
    input: {
      summary: found.length
        ? `Confirmed ${found.length} root cause(s): ${found.map((f) => f.category).join(", ")}.`
        : "No root cause found; the namespace looks healthy.",
      severity: found.length ? "P2" : "P4",
      rootCauses,
      confidence: found.length ? 0.8 : 0.6,
      hypothesesRejected: [],
      dangerousAssumption: "the cluster state did not change during the investigation",
      // Fixes come from the deterministic proposals, which the merge keeps.
      remediations: [],
      validationPlan: plan.length ? plan : ["no new Warning events in the namespace for 5 minutes"],
    },
  };
}

/** The replay script: call it with each request; it answers by turn number. */
export function replayScript(): (request: RecordedRequest, index: number) => ScriptTurn {
  let turn = 0;
  return (request) => {
    const found = findings(request);
    const forced = request.body.tool_choice?.type === "tool";
    const current = turn++;
    if (forced || current >= 2) return submit(request, found);
    if (current === 0) {
      const ns = investigatedNamespace(request);
      const scope = ns && ns !== "*" ? { namespace: ns } : {};
      return {
        kind: "tool_use",
        calls: [
          { name: "list_resources", input: { kind: "Pod", ...scope } },
          { name: "get_events", input: { type: "Warning", ...scope } },
        ],
      };
    }
    return investigateTurn(found);
  };
}
