import {
  type Preconditions,
  type RemediationProposal,
  remediationActionSchema,
} from "../../domain/actions.js";
import { actionRisk, type RiskFacts } from "../../domain/risk.js";

/** What a proposal builder knows beyond the catalog action itself. */
export interface ProposalDraft {
  action: unknown;
  rootCauseId: string;
  summary: string;
  change: string;
  preconditions: Preconditions;
  riskFacts?: RiskFacts;
}

/**
 * Turns a draft into a proposal only if the action parses against the catalog schema; risk comes
 * from the rule in domain/risk.ts. Anything that does not parse is dropped, never "fixed up".
 */
export function finalize(draft: ProposalDraft): RemediationProposal | undefined {
  const parsed = remediationActionSchema.safeParse(draft.action);
  if (!parsed.success) return undefined;
  const action = parsed.data;
  return {
    ...action,
    id: `${action.action}:${action.target.namespace}/${action.target.name}`,
    rootCauseId: draft.rootCauseId,
    risk: actionRisk(action, draft.riskFacts),
    summary: draft.summary,
    change: draft.change,
    preconditions: draft.preconditions,
  };
}

/** `spec.template.spec.containers[app]` — the path style used in `change` and `expected`. */
export function containerPath(container: string, init = false): string {
  return `spec.template.spec.${init ? "initContainers" : "containers"}[${container}]`;
}
