/**
 * The Claude investigation loop: entry points for the queue worker, the CLI and Slack threads.
 * Every entry point returns a usable answer; model problems become a deterministic fallback.
 */
export { type AgentConfig, agentConfigFromEnv, DEFAULT_AGENT_CONFIG } from "./config.js";
export { rcaFromTriage } from "./fallback.js";
export { answerFollowUp, type FollowUpAnswer, type FollowUpInput, type FollowUpTurn } from "./follow-up.js";
export { type InvestigateInput, investigateWithModel } from "./investigate.js";
export { modelValidatorFor } from "./model-validator.js";
export { type ValidateInput, validateWithModel } from "./validate.js";
