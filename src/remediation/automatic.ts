import { anyGlob } from "../config/glob.js";
import type { Policy, Selector } from "../config/policy.js";
import type { RemediationProposal } from "../domain/actions.js";
import { gateProposal, riskAtMost } from "./gate.js";
import { targetLabel } from "./targets.js";

/**
 * Automatic mode, pure: whether a proposal may run without a human, from the policy's
 * RemediationPolicy-style selectors, confidence threshold, risk cap, rate limits and per-target
 * cooldowns. The history of automatic runs is plain data passed in and returned, so the caller
 * can keep it wherever it likes (the queue keeps it in Redis, shared by all workers).
 */

/** The event (or alert) that started the investigation. Its message is untrusted text. */
export interface AutomaticEvent {
  type: string;
  reason: string;
  kind: string;
  namespace: string;
  message: string;
}

/** One automatic run, as remembered for rate limits and cooldowns. */
export interface AutomaticRecord {
  /** RFC 3339. */
  at: string;
  /** Index of the selector that allowed it. */
  selector: number;
  /** `Deployment prod-api/web`. */
  target: string;
  proposalId: string;
}

/** Recent automatic runs, kept by the caller (Redis) between decisions. */
export interface AutomaticHistory {
  runs: AutomaticRecord[];
}

/** Allowed with the record to remember, or denied; the reason says which rule decided. */
export type AutomaticDecision =
  | { allow: true; reason: string; selector: number; record: AutomaticRecord }
  | { allow: false; reason: string };

/** Everything one automatic decision looks at. */
export interface AutomaticInput {
  policy: Policy;
  event: AutomaticEvent;
  rootCause: { category: string; confidence: number };
  proposal: RemediationProposal;
  now: string | number | Date;
  history: AutomaticHistory;
}

const MINUTE = 60_000;
// Event text is attacker-influenced; bound what the operator's regex has to scan.
const MAX_MESSAGE = 4096;

const ms = (value: string | number | Date) =>
  typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : value.getTime();

/** Whether every field the selector names matches the event (and root cause category). */
export function selectorMatches(selector: Selector, event: AutomaticEvent, category: string): boolean {
  if (selector.type !== undefined && selector.type !== event.type) return false;
  if (selector.reason !== undefined && selector.reason !== event.reason) return false;
  if (selector.kind !== undefined && selector.kind !== event.kind) return false;
  if (selector.namespace !== undefined && !anyGlob([selector.namespace], event.namespace)) return false;
  if (selector.category !== undefined && selector.category !== category) return false;
  if (
    selector.message !== undefined &&
    !new RegExp(selector.message).test(event.message.slice(0, MAX_MESSAGE))
  ) {
    return false;
  }
  return true;
}

/** Decides whether the proposal runs automatically, with the reason either way. */
export function automaticDecision(input: AutomaticInput): AutomaticDecision {
  const { policy, event, rootCause, proposal, history } = input;
  const now = ms(input.now);
  const deny = (reason: string): AutomaticDecision => ({ allow: false, reason: `manual: ${reason}` });
  const what = `${event.reason} ${event.kind} in ${event.namespace}`;

  const matching = policy.automatic
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => selectorMatches(rule.selector, event, rootCause.category));
  if (matching.length === 0) return deny(`no selector matches ${what}`);
  const automatic = matching.find(({ rule }) => rule.mode === "automatic");
  if (!automatic) return deny(`selector #${matching[0]?.index} matches ${what} but is in manual mode`);
  const { rule, index } = automatic;

  const gate = gateProposal(proposal, policy, { investigatedNamespace: event.namespace, mode: "automatic" });
  if (!gate.allow) return deny(gate.reason);
  if (rootCause.confidence < rule.confidenceThreshold) {
    return deny(`confidence ${rootCause.confidence} < ${rule.confidenceThreshold} (selector #${index})`);
  }
  if (!riskAtMost(proposal.risk, rule.maxRiskLevel)) {
    return deny(`risk ${proposal.risk} > ${rule.maxRiskLevel} (selector #${index})`);
  }

  const lastMinute = history.runs.filter((run) => now - ms(run.at) < MINUTE && ms(run.at) <= now);
  const selectorLimit = rule.eventsPerMinute;
  if (selectorLimit !== undefined) {
    const used = lastMinute.filter((run) => run.selector === index).length;
    if (used >= selectorLimit) {
      return deny(`selector #${index} already ran ${used} times in the last minute (limit ${selectorLimit})`);
    }
  }
  const globalLimit = policy.rateLimiting.eventsPerMinute;
  if (lastMinute.length >= globalLimit) {
    return deny(
      `${lastMinute.length} automatic runs in the last minute (rateLimiting.eventsPerMinute ${globalLimit})`,
    );
  }
  const target = targetLabel(proposal);
  const cooldownMinutes = rule.cooldownMinutes ?? policy.rateLimiting.cooldownMinutes;
  const recent = history.runs
    .filter((run) => run.target === target && now - ms(run.at) < cooldownMinutes * MINUTE)
    .sort((a, b) => ms(b.at) - ms(a.at))[0];
  if (recent) {
    const waitMinutes = Math.ceil((cooldownMinutes * MINUTE - (now - ms(recent.at))) / MINUTE);
    return deny(
      `${target} was changed automatically at ${recent.at}; cooldown ${cooldownMinutes} min (${waitMinutes} min left)`,
    );
  }

  const reason =
    `automatic: selector #${index} matched ${event.reason} in ${event.namespace}, ` +
    `confidence ${rootCause.confidence} ≥ ${rule.confidenceThreshold}, risk ${proposal.risk} ≤ ${rule.maxRiskLevel}`;
  const record: AutomaticRecord = {
    at: new Date(now).toISOString(),
    selector: index,
    target,
    proposalId: proposal.id,
  };
  return { allow: true, reason, selector: index, record };
}

/** The history with `record` added and entries too old to matter for any limit dropped. */
export function recordAutomatic(
  policy: Policy,
  history: AutomaticHistory,
  record: AutomaticRecord,
): AutomaticHistory {
  const cooldowns = [
    policy.rateLimiting.cooldownMinutes,
    ...policy.automatic.map((rule) => rule.cooldownMinutes ?? 0),
  ];
  const keepMs = Math.max(1, ...cooldowns) * MINUTE;
  const now = ms(record.at);
  return { runs: [...history.runs.filter((run) => now - ms(run.at) < keepMs), record] };
}
