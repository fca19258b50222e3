import type { Queue } from "bullmq";
import type { Sample } from "./registry.js";

/** The job states reported per queue (BullMQ's names). */
export const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "completed", "failed"] as const;

/**
 * Queue depth as gauges, read from Redis at scrape time (BullMQ getJobCounts), so any serve replica
 * reports the same numbers whichever worker holds the jobs.
 */
export async function queueDepthSamples(queues: readonly Queue[], cluster?: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const queue of queues) {
    const counts = await queue.getJobCounts(...QUEUE_STATES);
    for (const state of QUEUE_STATES) {
      samples.push({
        metric: "queueDepth",
        labels: { queue: queue.name, state, ...(cluster ? { cluster } : {}) },
        value: counts[state] ?? 0,
      });
    }
  }
  return samples;
}
