/**
 * The investigation pipeline on BullMQ and Redis: the public surface for the Slack app, the
 * webhook, the watcher, the CLI and the worker command.
 */
export {
  ACL_COMMAND_RULES,
  type AclUserSpec,
  type AgentAclSpec,
  aclFileLine,
  aclSetUserLine,
  agentAclRules,
  centralAclRules,
} from "./acl.js";
export { type AuditEntry, type AuditKind, AuditTrail, readAudit } from "./audit.js";
export {
  createProducerConnection,
  createWorkerConnection,
  requireRedisUrl,
  waitReady,
} from "./connection.js";
export type { Decision, DecisionRefusal, DecisionResult, RefusalReason } from "./decisions.js";
export { dedupKeyFor, owningWorkload } from "./dedup.js";
export type { AnalyzeInput, PipelineDeps, RemediateInput } from "./deps.js";
export {
  type InvestigateJob,
  investigateJobSchema,
  type RemediateJob,
  remediateJobSchema,
  remediationJobId,
} from "./jobs.js";
export { DEFAULT_PREFIX, keys, QUEUE_NAMES } from "./keys.js";
export {
  DEFAULT_RETRY,
  Producer,
  type ProducerOptions,
  type RetryOptions,
  type SubmitResult,
} from "./producer.js";
export { type ProgressEvent, publishProgress, subscribeProgress } from "./progress.js";
export { createRateLimiter, type RateLimiter } from "./rate-limit.js";
export {
  type ClusterRedisSettings,
  describeRedis,
  isRedisCluster,
  pipelinePrefix,
  type RedisAddress,
  type RedisEnv,
  type RedisSettings,
  type RedisTarget,
  type RedisTlsSettings,
  redisSettingsFromEnv,
  requireRedisSettings,
  type SentinelRedisSettings,
  type StandaloneRedisSettings,
} from "./redis-settings.js";
export { canTransition, FINAL_STATUSES, IllegalTransitionError, isFinal } from "./status.js";
export { InvestigationStore, type StoreOptions, type SubmitOutcome } from "./store.js";
export { isExpired, newProposalToken, proposalExpiry } from "./tokens.js";
export {
  type PipelineWorkerOptions,
  type PipelineWorkers,
  startPipelineWorkers,
  type WorkerRuntime,
} from "./worker.js";
