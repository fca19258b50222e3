/**
 * The agent evaluation harness: replays each built-in scenario through the real agent loop against
 * the fake Anthropic server and the simulated cluster, and scores it against the deterministic
 * triage. It sits above `agent/` (it drives it) and `dev/` (it starts the fakes).
 */
export * from "./baseline.js";
export * from "./replay.js";
export * from "./run.js";
