import type { Env } from "../config/env.js";

/** Knobs of one model investigation; defaults suit an on-call answer within a couple of minutes. */
export interface AgentConfig {
  /** Without a key the loop is skipped and the deterministic RCA is returned. */
  apiKey?: string;
  /** Messages API base URL (a local fake in tests and `npm run eval`). */
  baseURL?: string;
  model: string;
  /** Model turns per investigation; the last one must call the final tool. */
  maxIterations: number;
  /** Input + output tokens across all turns; past it the investigation falls back. */
  tokenBudget: number;
  /** Output tokens per model turn. */
  maxOutputTokens: number;
  /** Wall-clock limit of the whole investigation, milliseconds. */
  timeoutMs: number;
  /** Limit of one HTTP request to the model, milliseconds (retried by the SDK). */
  requestTimeoutMs: number;
  /** Retries of 408/409/429/5xx/529 and connection errors, with backoff honouring retry-after. */
  maxRetries: number;
  /** Cap of one tool result, in approximate tokens (chars / 4). */
  resultTokenCap: number;
}

export const DEFAULT_AGENT_CONFIG: AgentConfig = {
  model: "claude-sonnet-5-5",
  maxIterations: 12,
  tokenBudget: 250_000,
  maxOutputTokens: 4096,
  timeoutMs: 180_000,
  requestTimeoutMs: 60_000,
  maxRetries: 3,
  resultTokenCap: 2_000,
};

/** Validation and follow-up loops are narrower: they check a plan or answer one question. */
export const FOCUSED_ITERATIONS = 6;

/** The agent configuration from the parsed environment, with explicit overrides on top. */
export function agentConfigFromEnv(environment: Env, overrides: Partial<AgentConfig> = {}): AgentConfig {
  const base: AgentConfig = { ...DEFAULT_AGENT_CONFIG, model: environment.ANTHROPIC_MODEL };
  if (environment.ANTHROPIC_API_KEY) base.apiKey = environment.ANTHROPIC_API_KEY;
  if (environment.ANTHROPIC_BASE_URL) base.baseURL = environment.ANTHROPIC_BASE_URL;
  return { ...base, ...stripUndefined(overrides) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
