import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import { namespaceName } from "../domain/actions.js";
import { CLUSTER_NAME_PATTERN } from "../domain/cluster-name.js";

/** What `/triage …` asked for. */
export type TriageCommand =
  | { kind: "help" }
  | { kind: "status" }
  | { kind: "investigate"; namespace: string; text?: string; cluster?: string }
  | { kind: "invalid"; problem: string };

/** Longest "what is wrong" we accept; a longer one is refused rather than cut. */
export const MAX_DESCRIPTION = 2000;

/**
 * Parses the text after `/triage`. The namespace must be a DNS-1123 label and allowed by
 * `policy.namespaces`; otherwise the answer says why and nothing is started. Pure.
 */
export function parseTriageCommand(text: string, policy: Pick<Policy, "namespaces">): TriageCommand {
  const extracted = extractCluster(text.trim());
  if ("problem" in extracted) return { kind: "invalid", problem: extracted.problem };
  let trimmed = extracted.rest;
  let cluster = extracted.cluster;
  if (trimmed === "") return { kind: "invalid", problem: "Which namespace should I investigate?" };
  // `eu-1/prod-api`: the cluster written in front of the namespace.
  const slash = /^([^\s/]+)\/(\S+)/.exec(trimmed);
  if (slash) {
    const [, named = "", namespace = ""] = slash;
    if (cluster !== undefined && cluster !== named) {
      return {
        kind: "invalid",
        problem: `Two clusters named: ${named}/… and --cluster ${cluster}; name one.`,
      };
    }
    if (!CLUSTER_NAME_PATTERN.test(named)) return { kind: "invalid", problem: clusterProblem(named) };
    cluster = named;
    trimmed = `${namespace}${trimmed.slice(slash[0].length)}`;
  }
  const [first = "", ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  if (word === "help" || word === "-h" || word === "--help") return { kind: "help" };
  if (word === "status" && rest.length === 0) return { kind: "status" };
  if (!namespaceName.safeParse(first).success) {
    const shown = first.length > 80 ? `${first.slice(0, 80)}…` : first;
    return {
      kind: "invalid",
      problem: `“${shown}” is not a namespace name: use lowercase letters, digits and '-', start and end with a letter or digit, at most 63 characters.`,
    };
  }
  if (!anyGlob(policy.namespaces, first)) {
    return {
      kind: "invalid",
      problem: `Triage is not allowed in namespace ${first} by policy (allowed: ${policy.namespaces.join(", ")}).`,
    };
  }
  const description = trimmed.slice(first.length).trim();
  if (description.length > MAX_DESCRIPTION) {
    return {
      kind: "invalid",
      problem: `The description is ${description.length} characters long; keep it under ${MAX_DESCRIPTION} and put the rest in the thread.`,
    };
  }
  return {
    kind: "investigate",
    namespace: first,
    ...(description ? { text: description } : {}),
    ...(cluster !== undefined ? { cluster } : {}),
  };
}

function clusterProblem(name: string): string {
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return `“${shown}” is not a cluster name: use lowercase letters, digits and '-', start and end with a letter or digit, at most 63 characters.`;
}

/** Takes `--cluster NAME` / `--cluster=NAME` out of the text (anywhere, once). */
function extractCluster(text: string): { rest: string; cluster?: string } | { problem: string } {
  const match = /(^|\s)--cluster(?:=(\S*)|\s+(\S+)|\s*$)/.exec(text);
  if (!match) return { rest: text };
  const name = match[2] ?? match[3] ?? "";
  if (name === "") return { problem: "--cluster needs a cluster name, e.g. `--cluster eu-1`." };
  if (!CLUSTER_NAME_PATTERN.test(name)) return { problem: clusterProblem(name) };
  const rest = `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`
    .replace(/\s+/g, " ")
    .trim();
  if (/(^|\s)--cluster(\s|=|$)/.test(rest)) return { problem: "Name --cluster once." };
  return { rest, cluster: name };
}
