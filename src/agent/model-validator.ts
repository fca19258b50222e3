import { TriageError } from "../errors.js";
import type { ModelValidator } from "../remediation/validator.js";
import { type ValidateInput, validateWithModel } from "./validate.js";

/**
 * Adapts `validateWithModel` to the remediation validator's optional second opinion. When the
 * model did not judge (no key, outage), it throws, so the validator keeps its explicit verdict
 * and records that the model was unavailable instead of treating a fallback as an opinion.
 */
export function modelValidatorFor(base: Omit<ValidateInput, "executed">): ModelValidator {
  return async ({ proposal, verdict, evidence }) => {
    const outcome = await validateWithModel({
      ...base,
      executed: {
        proposal,
        outcome: {
          status: "succeeded",
          message: `explicit checks: ${verdict}; ${evidence.join("; ").slice(0, 1000)}`,
        },
      },
    });
    if (outcome.source !== "model") {
      throw new TriageError(
        "MODEL_VALIDATION_UNAVAILABLE",
        outcome.fallbackReason ?? "model validation unavailable",
        { permanent: false },
      );
    }
    return { verdict: outcome.verdict, evidence: outcome.evidence };
  };
}
