/**
 * Child process for the deadline test: runs a model investigation against a fake Messages API
 * that never answers, with a short time limit, while forcing garbage collections. Must run under
 * `node --expose-gc --import tsx`. Prints one JSON line: the report's source and fallback reason,
 * or `{stuck: true}` when the limit never fired within the watchdog's time.
 */
import { investigateWithModel } from "../../src/agent/index.js";
import { defaultPolicy } from "../../src/config/policy.js";
import { startFakeAnthropic } from "../../src/dev/fake-anthropic.js";
import { logs, objects, triage, trigger } from "../unit/agent/helpers/fixtures.js";
import { MemoryReader } from "../unit/agent/helpers/memory-reader.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.log(JSON.stringify({ error: "run with node --expose-gc" }));
  process.exit(2);
}
const limitMs = Number(process.argv[2] ?? 400);
const watchdogMs = Number(process.argv[3] ?? 8000);

const fake = await startFakeAnthropic({ script: [{ kind: "hang" }] });
let garbage: unknown[] = [];
const collector = setInterval(() => {
  // Churn and collect, as a busy worker does between model turns.
  garbage = Array.from({ length: 2000 }, (_, i) => ({ i, text: `x${i}` }));
  gc();
}, 5);
const watchdog = setTimeout(() => {
  console.log(JSON.stringify({ stuck: true, garbage: garbage.length }));
  process.exit(1);
}, watchdogMs);

// The worker passes its job's signal, so the limit is combined with a caller's signal.
const job = new AbortController();
const report = await investigateWithModel({
  signal: job.signal,
  reader: new MemoryReader(objects(), logs()),
  triage: triage(),
  trigger: trigger(),
  policy: defaultPolicy(),
  config: {
    apiKey: "test-key",
    baseURL: fake.url,
    model: "claude-sonnet-5-5",
    maxRetries: 0,
    timeoutMs: limitMs,
  },
});
clearTimeout(watchdog);
clearInterval(collector);
console.log(JSON.stringify({ source: report.source, fallbackReason: report.fallbackReason }));
await fake.close();
process.exit(0);
