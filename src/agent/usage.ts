import type { ModelUsage } from "../domain/rca.js";

/** USD per million tokens. Cache writes (5 min) cost 1.25x input, cache reads 0.1x. */
interface Price {
  input: number;
  output: number;
}

/**
 * A small price table by model family, most specific first; unknown models are priced as Sonnet so
 * cost is never silently zero. Approximate by design: it is for trends and budgets, not invoices.
 */
const PRICES: { match: RegExp; price: Price }[] = [
  { match: /fable|mythos/, price: { input: 10, output: 50 } },
  { match: /opus-4-(0|1)|opus-4$|opus-4-20|claude-3-opus/, price: { input: 15, output: 75 } },
  { match: /opus-5-5/, price: { input: 4, output: 20 } },
  { match: /opus/, price: { input: 5, output: 25 } },
  { match: /sonnet-5/, price: { input: 2, output: 10 } },
  { match: /sonnet/, price: { input: 3, output: 15 } },
  { match: /haiku-5/, price: { input: 0.1, output: 0.5 } },
  { match: /haiku-3-5|3-5-haiku/, price: { input: 0.8, output: 4 } },
  { match: /haiku/, price: { input: 1, output: 5 } },
];
const DEFAULT_PRICE: Price = { input: 3, output: 15 };

export function priceOf(model: string): Price {
  return PRICES.find((entry) => entry.match.test(model))?.price ?? DEFAULT_PRICE;
}

/** Cost of a usage record in USD. */
export function costUsd(
  model: string,
  tokens: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number },
): number {
  const price = priceOf(model);
  const dollars =
    (tokens.inputTokens * price.input +
      tokens.cacheWriteTokens * price.input * 1.25 +
      tokens.cacheReadTokens * price.input * 0.1 +
      tokens.outputTokens * price.output) /
    1_000_000;
  return Math.round(dollars * 1_000_000) / 1_000_000;
}

/** Accumulates the API's per-response usage over one investigation. */
export class UsageMeter {
  private readonly started = Date.now();
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  iterations = 0;
  toolCalls = 0;

  constructor(readonly model: string) {}

  add(usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
  }): void {
    this.inputTokens += usage.input_tokens;
    this.outputTokens += usage.output_tokens;
    this.cacheReadTokens += usage.cache_read_input_tokens ?? 0;
    this.cacheWriteTokens += usage.cache_creation_input_tokens ?? 0;
  }

  /** Every token the conversation consumed; what the budget limits. */
  get totalTokens(): number {
    return this.inputTokens + this.outputTokens + this.cacheReadTokens + this.cacheWriteTokens;
  }

  snapshot(): ModelUsage {
    const tokens = {
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
    };
    return {
      model: this.model,
      ...tokens,
      costUsd: costUsd(this.model, tokens),
      iterations: this.iterations,
      toolCalls: this.toolCalls,
      durationMs: Date.now() - this.started,
    };
  }
}
