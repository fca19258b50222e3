import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import { namespaceName } from "../domain/actions.js";

/** What `/triage …` asked for. */
export type TriageCommand =
  | { kind: "help" }
  | { kind: "status" }
  | { kind: "investigate"; namespace: string; text?: string }
  | { kind: "invalid"; problem: string };

/** Longest "what is wrong" we accept; a longer one is refused rather than cut. */
export const MAX_DESCRIPTION = 2000;

/**
 * Parses the text after `/triage`. The namespace must be a DNS-1123 label and allowed by
 * `policy.namespaces`; otherwise the answer says why and nothing is started. Pure.
 */
export function parseTriageCommand(text: string, policy: Pick<Policy, "namespaces">): TriageCommand {
  const trimmed = text.trim();
  if (trimmed === "") return { kind: "invalid", problem: "Which namespace should I investigate?" };
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
  return description
    ? { kind: "investigate", namespace: first, text: description }
    : { kind: "investigate", namespace: first };
}
