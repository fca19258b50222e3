import { performance } from "node:perf_hooks";
import type { MultiClusterStore } from "../cluster/index.js";

/**
 * What an @mention in a thread costs central: finding the investigation the thread belongs to,
 * over every cluster. The pointer path (one GET per cluster, in parallel) against the scan it
 * replaced (the 200 most recent records of every cluster, merged, searched for the thread).
 */

/** Latencies (ms, sorted) and how many threads each path found. */
export interface MentionLookupFigures {
  threads: number;
  pointer: { latenciesMs: number[]; found: number };
  scan: { latenciesMs: number[]; found: number };
}

/** The scan's window, as the listener had it. */
const SCAN_LIMIT = 200;

/**
 * Gives each of `ids` a Slack thread (as the notifier records it when it posts the parent), then
 * looks `samples` of them up, oldest first, both ways.
 */
export async function measureMentionLookup(
  store: MultiClusterStore,
  ids: readonly string[],
  samples: number,
): Promise<MentionLookupFigures> {
  const channel = "C0BENCH";
  const threadTs = (index: number) => `${1764800000 + index}.000100`;
  for (const [index, id] of ids.entries()) {
    await store.update(id, (current) => {
      current.thread = { channel, threadTs: threadTs(index), statusTs: threadTs(index) };
      return current;
    });
  }
  const step = Math.max(1, Math.floor(ids.length / samples));
  const picked = ids
    .map((_, index) => index)
    .filter((index) => index % step === 0)
    .slice(0, samples);
  const pointer = { latenciesMs: [] as number[], found: 0 };
  const scan = { latenciesMs: [] as number[], found: 0 };
  for (const index of picked) {
    const ts = threadTs(index);
    let at = performance.now();
    const byPointer = await store.findByThread(channel, ts);
    pointer.latenciesMs.push(performance.now() - at);
    if (byPointer?.id === ids[index]) pointer.found++;
    at = performance.now();
    const recent = await store.recent(SCAN_LIMIT);
    const byScan = recent.find((item) => item.thread?.channel === channel && item.thread.threadTs === ts);
    scan.latenciesMs.push(performance.now() - at);
    if (byScan?.id === ids[index]) scan.found++;
  }
  pointer.latenciesMs.sort((a, b) => a - b);
  scan.latenciesMs.sort((a, b) => a - b);
  return { threads: picked.length, pointer, scan };
}
