import type { Redis } from "ioredis";
import type { Policy } from "../config/policy.js";
import type { Investigation } from "../domain/investigation.js";
import { DependencyError } from "../errors.js";
import { type AutomaticHistory, automaticDecision, recordAutomatic } from "../remediation/automatic.js";
import { runScript } from "./scripts.js";

/** Replace a value only if it is unchanged since it was read ("" stands for a missing key). */
const SET_IF_UNCHANGED = `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

const HISTORY_TTL_SECONDS = 24 * 3600;
const MAX_ATTEMPTS = 50;

/**
 * The pending proposals of an investigation that the policy lets run without a human (automatic
 * mode: selectors, confidence, risk, rate limits, per-target cooldowns). The run history behind
 * the limits is shared by all workers in Redis, and each decision is written with a
 * compare-and-swap, so two workers deciding at once cannot both use the last slot of a limit.
 */
export async function automaticProposals(
  redis: Redis,
  historyKey: string,
  policy: Policy,
  investigation: Investigation,
  clock: () => Date = () => new Date(),
): Promise<string[]> {
  const signal = investigation.trigger.signal;
  if (policy.automatic.length === 0 || !signal?.type || !signal.reason) return [];
  const event = {
    type: signal.type,
    reason: signal.reason,
    kind: signal.kind ?? investigation.trigger.target?.kind ?? "",
    namespace: investigation.trigger.namespace,
    message: signal.message ?? investigation.trigger.text ?? "",
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const raw = (await redis.get(historyKey)) ?? "";
    let history: AutomaticHistory = raw ? (JSON.parse(raw) as AutomaticHistory) : { runs: [] };
    // Never decide "before" a run another worker already recorded (clocks differ a little), or
    // that run would not count against the limits.
    const newest = Math.max(0, ...history.runs.map((run) => Date.parse(run.at)));
    const now = new Date(Math.max(clock().getTime(), newest));
    const allowed: string[] = [];
    for (const record of investigation.proposals) {
      if (record.state !== "pending") continue;
      const cause =
        investigation.triage?.rootCauses.find((candidate) => candidate.id === record.proposal.rootCauseId) ??
        investigation.rca?.rootCauses[0];
      if (!cause) continue;
      const decision = automaticDecision({
        policy,
        event,
        rootCause: { category: cause.category, confidence: cause.confidence },
        proposal: record.proposal,
        now,
        history,
      });
      if (!decision.allow) continue;
      history = recordAutomatic(policy, history, decision.record);
      allowed.push(record.proposal.id);
    }
    if (allowed.length === 0) return [];
    const written = await runScript(
      redis,
      SET_IF_UNCHANGED,
      [historyKey],
      [raw, JSON.stringify(history), HISTORY_TTL_SECONDS],
    );
    if (written === 1) return allowed;
  }
  throw new DependencyError("AUTOMATIC_CONTENTION", "too many concurrent automatic-mode decisions");
}
