import type { RemediationAction, RemediationProposal } from "../domain/actions.js";
import type { ValidationOutcome } from "../domain/investigation.js";
import type { KubeEvent, KubeObject, Pod } from "../domain/kube.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import { type Clock, clockIso, clockMs } from "./audit.js";
import { parseAction } from "./catalog.js";
import {
  type Check,
  evaluate,
  newWarnings,
  type Observation,
  restartedSince,
  restartSnapshot,
} from "./criteria.js";
import { targetKind } from "./targets.js";

/**
 * Validation after a change: polls the explicit criteria of the action with backoff until they
 * hold through a settle window (no restarts, no new Warning events) or the timeout passes; then,
 * when configured, asks the model for a second opinion, which can only lower the verdict.
 */

export type Verdict = ValidationOutcome["verdict"];

/** Optional model validation; gets the explicit verdict and evidence, returns its own. */
export type ModelValidator = (input: {
  proposal: RemediationProposal;
  verdict: Verdict;
  evidence: string[];
}) => Promise<{ verdict: Verdict; evidence: string[] }>;

/** Inputs of one validation run. */
export interface ValidateOptions {
  proposal: RemediationProposal;
  /** Read-only access (the analysis identity is enough). */
  reader: ClusterReader;
  timeoutMs: number;
  /** How long the criteria must keep holding (default 120 s, policy remediation.settleSeconds). */
  settleMs?: number;
  /** First poll interval (default 2 s), doubled up to `maxIntervalMs` (default 30 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** The cluster's clock (the simulated one in tests). */
  clock: Clock;
  /** Waits; tests advance the simulated clock here. */
  sleep: (ms: number) => Promise<void>;
  /** The target before the change (delete-pod needs its owner to find the replacement). */
  before?: KubeObject;
  validateWithModel?: ModelValidator;
}

const MAX_POLLS = 500;

const ORDER: Record<Verdict, number> = { "not-resolved": 0, "partially-resolved": 1, resolved: 2 };

async function observe(
  action: RemediationAction,
  reader: ClusterReader,
  before: KubeObject | undefined,
): Promise<Observation> {
  const { kind, namespace, name } = action.target;
  const target = await reader.get(targetKind(kind).plural, name, namespace);
  const [allPods, events] = await Promise.all([
    reader.list("pods", { namespace }) as Promise<Pod[]>,
    reader.list("events", { namespace, fieldSelector: "type=Warning" }) as Promise<KubeEvent[]>,
  ]);
  return { target, pods: podsFor(action, target ?? before, allPods), warnings: events };
}

/** The pods a criterion is about. */
function podsFor(action: RemediationAction, subject: KubeObject | undefined, pods: Pod[]): Pod[] {
  switch (action.action) {
    case "create-pvc":
      return pods.filter((pod) =>
        (pod.spec.volumes ?? []).some(
          (volume) => volume.persistentVolumeClaim?.claimName === action.target.name,
        ),
      );
    case "delete-pod": {
      const owner = subject?.metadata.ownerReferences?.find((ref) => ref.controller);
      if (!owner) return pods.filter((pod) => pod.metadata.name === action.target.name);
      return pods.filter((pod) => pod.metadata.ownerReferences?.some((ref) => ref.uid === owner.uid));
    }
    default: {
      const match = (subject?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)
        ?.selector?.matchLabels;
      if (!match || Object.keys(match).length === 0) return [];
      return pods.filter((pod) =>
        Object.entries(match).every(([key, value]) => pod.metadata.labels?.[key] === value),
      );
    }
  }
}

const line = (check: Check) => `${check.ok ? "ok" : "FAIL"}: ${check.detail}`;

/** Runs the explicit criteria (and the optional model check) and returns the verdict with evidence. */
export async function validateRemediation(options: ValidateOptions): Promise<ValidationOutcome> {
  const action = parseAction({
    action: options.proposal.action,
    target: options.proposal.target,
    params: options.proposal.params,
  });
  const settleMs = options.settleMs ?? 120_000;
  const maxInterval = options.maxIntervalMs ?? 30_000;
  const deadline = clockMs(options.clock) + options.timeoutMs;
  let interval = options.intervalMs ?? 2_000;
  let last: Check[] = [];
  let unstable: string[] = [];
  let polls = 0;

  for (;;) {
    polls += 1;
    const observation = await observe(action, options.reader, options.before);
    last = evaluate(action, observation);
    if (last.every((check) => check.ok)) {
      const settleStart = clockMs(options.clock);
      const restarts = restartSnapshot(observation.pods);
      await options.sleep(settleMs);
      const settled = await observe(action, options.reader, options.before);
      last = evaluate(action, settled);
      unstable = [...restartedSince(restarts, settled.pods), ...newWarnings(action, settled, settleStart)];
      if (last.every((check) => check.ok) && unstable.length === 0) {
        const evidence = [
          ...last.map(line),
          `ok: no restarts and no new Warning events during the ${Math.round(settleMs / 1000)} s settle window`,
        ];
        return withModel(options, { verdict: "resolved", evidence, checkedAt: clockIso(options.clock) });
      }
    }
    // The poll cap guards against a clock that never moves (a misconfigured sleep in a test or a
    // stuck simulated clock): validation must end even then.
    if (clockMs(options.clock) >= deadline || polls >= MAX_POLLS) break;
    await options.sleep(Math.min(interval, Math.max(deadline - clockMs(options.clock), 0)));
    interval = Math.min(interval * 2, maxInterval);
  }

  const passed = last.filter((check) => check.ok).length;
  const verdict: Verdict = passed > 0 || partiallyReady(last) ? "partially-resolved" : "not-resolved";
  const evidence = [
    ...last.map(line),
    ...unstable.map((item) => `FAIL: during the settle window: ${item}`),
    `criteria did not hold within ${Math.round(options.timeoutMs / 1000)} s (${polls} checks)`,
  ];
  return withModel(options, { verdict, evidence, checkedAt: clockIso(options.clock) });
}

/** Some but not all pods ready counts as partial progress. */
function partiallyReady(checks: Check[]): boolean {
  return checks.some(
    (check) => check.name === "pods-ready" && /^[1-9][0-9]*\/[0-9]+ pods/.test(check.detail),
  );
}

async function withModel(options: ValidateOptions, outcome: ValidationOutcome): Promise<ValidationOutcome> {
  if (!options.validateWithModel) return outcome;
  try {
    const model = await options.validateWithModel({
      proposal: options.proposal,
      verdict: outcome.verdict,
      evidence: outcome.evidence,
    });
    // The model can add doubt, never certainty: the explicit criteria bound the verdict.
    const verdict = ORDER[model.verdict] < ORDER[outcome.verdict] ? model.verdict : outcome.verdict;
    return {
      ...outcome,
      verdict,
      evidence: [...outcome.evidence, ...model.evidence.map((item) => `model (${model.verdict}): ${item}`)],
    };
  } catch (error) {
    return {
      ...outcome,
      evidence: [...outcome.evidence, `model validation unavailable: ${errorMessage(error)}`],
    };
  }
}
