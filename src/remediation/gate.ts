import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import { type RemediationProposal, remediationActionSchema } from "../domain/actions.js";
import { actionRisk } from "../domain/risk.js";
import type { Risk } from "../domain/types.js";
import { jsonEqual } from "./paths.js";

/**
 * The policy gate, pure: whether a proposal may be offered or executed at all, and whether a
 * given person may approve it. Every refusal carries a reason a human can act on.
 */

/** A gate answer. */
export type GateDecision = { allow: true } | { allow: false; reason: string };

const RISK_ORDER: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

/** True when `risk` is at most `cap`. */
export function riskAtMost(risk: Risk, cap: Risk): boolean {
  return RISK_ORDER[risk] <= RISK_ORDER[cap];
}

const deny = (reason: string): GateDecision => ({ allow: false, reason });

/** Where and how a proposal is being considered. */
export interface GateContext {
  /** The namespace the investigation was about ("*" for all); a proposal may only change that one. */
  investigatedNamespace: string;
  mode: "manual" | "automatic";
}

/**
 * Re-validates a proposal against the catalog (nothing outside the schema, risk no lower than the
 * rule gives) and the policy (namespace globs, allowed actions, risk cap, investigated namespace).
 */
export function gateProposal(proposal: RemediationProposal, policy: Policy, ctx: GateContext): GateDecision {
  const core = { action: proposal.action, target: proposal.target, params: proposal.params };
  const parsed = remediationActionSchema.safeParse(core);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    return deny(`proposal ${proposal.id} is not a catalog action (${problems.join("; ")})`);
  }
  // Zod strips unknown keys; a proposal carrying extra fields is not the catalog action it claims.
  if (!jsonEqual(parsed.data, core)) {
    return deny(`proposal ${proposal.id} carries fields outside the catalog schema for ${proposal.action}`);
  }
  const namespace = proposal.target.namespace;
  // "*" is an all-namespaces investigation; policy.namespaces below still bounds the target.
  if (ctx.investigatedNamespace !== "*" && namespace !== ctx.investigatedNamespace) {
    return deny(
      `proposal ${proposal.id} targets namespace ${namespace}, but the investigation was of ${ctx.investigatedNamespace}`,
    );
  }
  if (!anyGlob(policy.namespaces, namespace)) {
    return deny(
      `namespace ${namespace} is outside the policy's namespaces (${policy.namespaces.join(", ")})`,
    );
  }
  const allowed = policy.remediation.allowedActions;
  if (!allowed.includes("*") && !allowed.includes(proposal.action)) {
    return deny(
      `action ${proposal.action} is not in remediation.allowedActions (${allowed.join(", ") || "none"})`,
    );
  }
  // The lowest risk the rule can give this action (facts only the executor sees can raise it).
  const floor = actionRisk(parsed.data, { podOwnedByController: true });
  if (!riskAtMost(floor, proposal.risk)) {
    return deny(
      `proposal ${proposal.id} claims risk ${proposal.risk}, but ${proposal.action} is at least ${floor}`,
    );
  }
  if (ctx.mode === "automatic" && !policy.automatic.some((rule) => rule.mode === "automatic")) {
    return deny("the policy has no selector in automatic mode, so nothing runs without approval");
  }
  const managed = proposal.managedBy;
  if (managed && managed.tool !== "helm" && !policy.remediation.gitOpsLivePatch) {
    const owner = `${managed.tool === "argocd" ? "Argo CD Application" : "Flux"} ${managed.owner}`;
    return deny(
      `${proposal.target.kind} ${proposal.target.name} is managed by ${owner}, which would revert a live patch: commit the Git patch instead (remediation.gitOpsLivePatch allows live patches)`,
    );
  }
  const cap = policy.remediation.maxRisk;
  if (!riskAtMost(proposal.risk, cap)) {
    return deny(`risk ${proposal.risk} of ${proposal.id} is above remediation.maxRisk (${cap})`);
  }
  return { allow: true };
}

/** Who is trying to approve what, and where. */
export interface ApprovalRequest {
  userId: string;
  userGroups: string[];
  /** Channel the approval came from, when known. */
  channel?: string;
  namespace: string;
  risk: Risk;
  /** Who asked for the investigation or action. */
  requestedBy?: string;
}

/**
 * Whether `userId` may approve an action of `risk` in `namespace`: listed (by user or group) in an
 * approvers rule whose namespace globs match and whose channels, if any, include the channel; and
 * not the requester when policy.remediation.distinctApproverFor names this risk. No rules, nobody.
 */
export function authorizeApprover(policy: Policy | undefined, request: ApprovalRequest): GateDecision {
  const rules = policy?.approvers ?? [];
  if (rules.length === 0) return deny("no approvers are configured, so nobody may approve remediations");
  const { userId, userGroups, channel, namespace, risk, requestedBy } = request;
  const forNamespace = rules.filter((rule) => anyGlob(rule.namespaces, namespace));
  if (forNamespace.length === 0) return deny(`no approver rule covers namespace ${namespace}`);
  const inChannel = forNamespace.filter(
    (rule) => rule.channels === undefined || (channel !== undefined && rule.channels.includes(channel)),
  );
  if (inChannel.length === 0) {
    const channels = [...new Set(forNamespace.flatMap((rule) => rule.channels ?? []))];
    return deny(
      `approvals for namespace ${namespace} are only accepted in ${channels.join(", ")} (this was ${channel ?? "no channel"})`,
    );
  }
  const listed = inChannel.some(
    (rule) => rule.users.includes(userId) || rule.groups.some((group) => userGroups.includes(group)),
  );
  if (!listed) {
    const who = [
      ...new Set(
        inChannel.flatMap((rule) => [...rule.users, ...rule.groups.map((group) => `group ${group}`)]),
      ),
    ];
    return deny(
      `${userId} is not an approver for namespace ${namespace} (approvers: ${who.join(", ") || "none"})`,
    );
  }
  const distinct = policy?.remediation.distinctApproverFor ?? [];
  if (requestedBy !== undefined && requestedBy === userId && distinct.includes(risk)) {
    return deny(`${userId} requested this ${risk}-risk action and may not approve it; another approver must`);
  }
  return { allow: true };
}
