import type { Redis } from "ioredis";
import type { Investigation } from "../domain/investigation.js";
import { DependencyError } from "../errors.js";
import {
  alreadyDecided,
  applyDecision,
  type Decision,
  type DecisionPlace,
  type DecisionResult,
} from "./decisions.js";
import type { Keys } from "./keys.js";
import { DECIDE, runScript } from "./scripts.js";

/** What a decision needs of the investigation store (InvestigationStore satisfies it). */
export interface DecisionStore {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly retentionSeconds: number;
  update(id: string, mutate: (current: Investigation) => Investigation | undefined): Promise<Investigation>;
}

/** A decision: the button's token, approve or deny, who, when, and where it was clicked. */
export type DecisionArgs = [
  token: string,
  decision: Decision,
  actor: string,
  now: Date,
  place?: DecisionPlace,
];

const MAX_CAS_ATTEMPTS = 100;

/**
 * Exactly-once decision on a proposal: the first approve/deny wins atomically (Lua); every later
 * one gets a typed refusal naming who decided, or that the token expired or is unknown.
 */
export async function decideProposal(
  store: DecisionStore,
  ...[token, decision, actor, now, place]: DecisionArgs
): Promise<DecisionResult> {
  const pointer = await store.redis.get(store.keys.token(token));
  if (pointer === null)
    return { ok: false, reason: "unknown-token", message: "unknown or retired approval token" };
  const { investigationId } = JSON.parse(pointer) as { investigationId: string };
  const recordKey = store.keys.investigation(investigationId);
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const raw = await store.redis.get(recordKey);
    if (raw === null) return { ok: false, reason: "unknown-token", message: "the investigation has expired" };
    const applied = applyDecision(JSON.parse(raw) as Investigation, token, decision, actor, now, place);
    if (!applied.ok) {
      if (applied.reason === "expired") await expireProposal(store, investigationId, token, now);
      return applied;
    }
    const stored = JSON.stringify({ decision, actor, at: now.toISOString() });
    const [verdict, prior] = (await runScript(
      store.redis,
      DECIDE,
      [recordKey, store.keys.decision(token)],
      [raw, JSON.stringify(applied.next), store.retentionSeconds, stored],
    )) as [string, string];
    if (verdict === "decided") return alreadyDecided(JSON.parse(prior));
    if (verdict === "ok") {
      return { ok: true, decision, investigation: applied.next, proposal: applied.proposal };
    }
  }
  throw new DependencyError(
    "STORE_CONTENTION",
    `investigation ${investigationId}: too many concurrent updates`,
  );
}

async function expireProposal(store: DecisionStore, id: string, token: string, now: Date): Promise<void> {
  await store.update(id, (current) => {
    const record = current.proposals.find((candidate) => candidate.token === token);
    if (record?.state !== "pending") return undefined;
    record.state = "expired";
    current.updatedAt = now.toISOString();
    return current;
  });
}
