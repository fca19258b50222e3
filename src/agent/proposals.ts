import { managedByFor } from "../changes/index.js";
import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import type { RemediationProposal } from "../domain/actions.js";
import { remediationActionSchema } from "../domain/actions.js";
import type { Workload } from "../domain/kube.js";
import { emptySnapshot } from "../domain/snapshot.js";
import type { RootCause } from "../domain/types.js";
import { errorMessage } from "../errors.js";
import type { ClusterReader } from "../k8s/reader.js";
import { proposalFromAction } from "../remediation/catalog.js";
import { gateProposal } from "../remediation/gate.js";
import { stableJson } from "./conversation.js";
import type { ModelRemediation, SubmittedRca } from "./rca-schema.js";
import { resolveKind } from "./tools/kinds.js";

/** Server-side dry-run of a proposal with the executor's identity (injected; never applies). */
export type DryRun = (proposal: RemediationProposal) => Promise<{ ok: boolean; message: string }>;

/** A suggestion that did not become a proposal, and why. */
export interface Dropped {
  description: string;
  reason: string;
}

/** The policy gate for a proposal offered to humans in this investigation. */
function gate(proposal: RemediationProposal, policy: Policy, namespace: string) {
  const investigatedNamespace = namespace === "*" ? proposal.target.namespace : namespace;
  return gateProposal(proposal, policy, { investigatedNamespace, mode: "manual" });
}

function describe(item: ModelRemediation): string {
  const t = item.target;
  return `${item.action} ${t.kind} ${t.namespace}/${t.name} ${JSON.stringify(item.params)}`.slice(0, 300);
}

/** Matches a model root cause to the triage's, so proposals point at the engine's ids when they can. */
function rootCauseIdFor(item: ModelRemediation, rca: SubmittedRca, triageCauses: RootCause[]): string {
  const cause = rca.rootCauses.find((c) => c.name === item.rootCause) ?? rca.rootCauses[0];
  if (!cause) return "model";
  const same = triageCauses.find(
    (t) =>
      t.category === cause.category &&
      t.resource.name === cause.resource.name &&
      t.resource.namespace === cause.resource.namespace,
  );
  return (
    same?.id ??
    `model:${cause.category}:${cause.resource.kind}/${cause.resource.namespace}/${cause.resource.name}`
  );
}

/** What checking one suggestion needs. */
export interface VetContext {
  /** The investigated namespace; every target must be in it ("*": any namespace the policy allows). */
  namespace: string;
  policy: Policy;
  reader: ClusterReader;
  dryRun?: DryRun;
  signal?: AbortSignal;
}

/**
 * Checks one suggestion, in order: catalog schema, target namespace, the target's current state,
 * policy, dry-run. Nothing the model writes can widen what may be executed.
 */
export async function vetOne(
  item: ModelRemediation,
  rootCauseId: string,
  ctx: VetContext,
): Promise<{ ok: true; proposal: RemediationProposal; dryRun: string } | { ok: false; reason: string }> {
  const parsed = remediationActionSchema.safeParse({
    action: item.action,
    target: item.target,
    params: item.params,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    return { ok: false, reason: `not a valid catalog action (${issues})` };
  }
  const action = parsed.data;
  if (ctx.namespace !== "*" && action.target.namespace !== ctx.namespace) {
    return {
      ok: false,
      reason: `targets namespace '${action.target.namespace}' but the investigation is in '${ctx.namespace}'`,
    };
  }
  if (!anyGlob(ctx.policy.namespaces, action.target.namespace)) {
    return { ok: false, reason: `namespace '${action.target.namespace}' is outside the policy's namespaces` };
  }
  let current: Awaited<ReturnType<ClusterReader["get"]>>;
  try {
    const kind = resolveKind(action.target.kind);
    current = kind
      ? await ctx.reader.get(kind.plural, action.target.name, action.target.namespace, ctx.signal)
      : undefined;
  } catch (error) {
    return { ok: false, reason: `could not read the target: ${errorMessage(error)}` };
  }
  if (action.action === "create-pvc" ? current !== undefined : current === undefined) {
    return {
      ok: false,
      reason: action.action === "create-pvc" ? "the PVC already exists" : "the target does not exist",
    };
  }
  let proposal: RemediationProposal;
  try {
    // Risk, summary and change come from the catalog's rules, never from the model's words.
    const replicaSets =
      action.action === "rollback"
        ? await ctx.reader.list("replicasets", { namespace: action.target.namespace, signal: ctx.signal })
        : undefined;
    proposal = proposalFromAction(action, current, rootCauseId, replicaSets ? { replicaSets } : {});
    // A model's proposal on a Helm- or GitOps-managed object carries the same note as the engine's.
    const managedBy = managedByFor(
      proposal,
      emptySnapshot({
        collectedAt: "",
        source: { type: "live" },
        scope: { allNamespaces: true },
        replicaSets: (replicaSets ?? []) as Workload[],
      }),
      current,
    );
    if (managedBy) proposal = { ...proposal, managedBy };
  } catch (error) {
    return { ok: false, reason: `cannot apply to the current object: ${errorMessage(error)}` };
  }
  const verdict = gate(proposal, ctx.policy, ctx.namespace);
  if (!verdict.allow) return { ok: false, reason: verdict.reason };
  const dry = await dryRunOrSkip(proposal, ctx.dryRun);
  if (!dry.ok) return { ok: false, reason: `dry-run failed: ${dry.message}` };
  return { ok: true, proposal, dryRun: dry.message };
}

/** Checks every suggestion of a submitted RCA; the failures come back with their reasons. */
export async function vetModelRemediations(
  input: VetContext & { rca: SubmittedRca; triageCauses: RootCause[] },
): Promise<{ proposals: RemediationProposal[]; dropped: Dropped[] }> {
  const proposals: RemediationProposal[] = [];
  const dropped: Dropped[] = [];
  for (const item of input.rca.remediations) {
    const result = await vetOne(item, rootCauseIdFor(item, input.rca, input.triageCauses), input);
    if (result.ok) proposals.push(result.proposal);
    else dropped.push({ description: describe(item), reason: result.reason });
  }
  return { proposals, dropped };
}

async function dryRunOrSkip(proposal: RemediationProposal, dryRun: DryRun | undefined) {
  if (!dryRun) return { ok: true, message: "no dry-run configured" };
  try {
    return await dryRun(proposal);
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

/**
 * Whether two proposals are the same change: same action on the same target (and container, for
 * container-level actions). Ids are not enough: the engine and the catalog spell them differently.
 */
function sameChange(a: RemediationProposal, b: RemediationProposal): "no" | "same" | "different-params" {
  const container = (p: RemediationProposal) => ("container" in p.params ? p.params.container : "");
  if (
    a.action !== b.action ||
    a.target.kind !== b.target.kind ||
    a.target.namespace !== b.target.namespace ||
    a.target.name !== b.target.name ||
    container(a) !== container(b)
  ) {
    return "no";
  }
  return stableJson(a.params) === stableJson(b.params) ? "same" : "different-params";
}

function rejectedBy(
  proposal: RemediationProposal,
  causes: RootCause[],
  rca: SubmittedRca,
): string | undefined {
  const cause = causes.find((c) => c.id === proposal.rootCauseId);
  for (const rejected of rca.hypothesesRejected) {
    const text = rejected.hypothesis.toLowerCase();
    const namesIt =
      text.includes(proposal.rootCauseId.toLowerCase()) ||
      (cause !== undefined &&
        text.includes(cause.category) &&
        text.includes(cause.resource.name.toLowerCase()));
    if (namesIt) return rejected.reason;
  }
  return undefined;
}

/**
 * The final proposal list: deterministic proposals stay unless the model explicitly rejected the
 * root cause they fix; a model proposal is added unless it is the same change (same action on the
 * same target and container); when it differs only in params the deterministic one wins and the
 * model's is listed as dropped. Deterministic ones are still gated by policy and dry-run.
 */
export async function mergeProposals(input: {
  deterministic: RemediationProposal[];
  model: RemediationProposal[];
  rca: SubmittedRca;
  triageCauses: RootCause[];
  policy: Policy;
  namespace: string;
  dryRun?: DryRun;
}): Promise<{ proposals: RemediationProposal[]; dropped: Dropped[] }> {
  const proposals: RemediationProposal[] = [];
  const dropped: Dropped[] = [];
  const seen = new Set<string>();
  for (const proposal of input.deterministic) {
    if (seen.has(proposal.id)) continue;
    const contradiction = rejectedBy(proposal, input.triageCauses, input.rca);
    const verdict = gate(proposal, input.policy, input.namespace);
    const reason = contradiction
      ? `contradicted by the model's analysis: ${contradiction}`
      : !verdict.allow
        ? verdict.reason
        : undefined;
    if (reason) {
      dropped.push({ description: `${proposal.id} (deterministic)`, reason });
      continue;
    }
    const dry = await dryRunOrSkip(proposal, input.dryRun);
    if (!dry.ok) {
      dropped.push({
        description: `${proposal.id} (deterministic)`,
        reason: `dry-run failed: ${dry.message}`,
      });
      continue;
    }
    seen.add(proposal.id);
    proposals.push(proposal);
  }
  for (const proposal of input.model) {
    const same = proposals.find((kept) => kept.id === proposal.id || sameChange(kept, proposal) !== "no");
    if (!same) {
      proposals.push(proposal);
    } else if (same.id !== proposal.id && sameChange(same, proposal) === "different-params") {
      dropped.push({
        description: `${proposal.id}: ${proposal.change}`,
        reason: `the deterministic proposal ${same.id} already changes this target (${same.change})`,
      });
    }
  }
  return { proposals, dropped };
}
