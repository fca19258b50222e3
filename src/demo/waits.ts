import { investigationCluster } from "../cluster/index.js";
import type { FakeMessage } from "../dev/fake-slack.js";
import type { Investigation } from "../domain/investigation.js";
import { TriageError } from "../errors.js";
import { APPROVE_ACTION_ID } from "../slack/blocks/proposal.js";
import type { DemoStack } from "./stack.js";

/**
 * What the demo script waits for: records in the store, and what a person would see in the
 * (fake) Slack workspace — posts are paced per channel and arrive after the records say so.
 */

/** The value of a button (by action_id) on a message, exactly as the app built it. */
export function buttonValue(message: FakeMessage, actionId: string = APPROVE_ACTION_ID): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found || typeof node !== "object" || node === null) return;
    const children = Array.isArray(node) ? node : Object.values(node);
    const record = node as Record<string, unknown>;
    if (record.action_id === actionId && typeof record.value === "string") found = record.value;
    else for (const child of children) visit(child);
  };
  visit(message.blocks);
  return found;
}

const ANALYSIS_DONE = new Set<Investigation["status"]>(["proposed", "completed", "failed"]);

/** Polls until `probe` returns a value; a DemoError naming what never happened otherwise. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new TriageError("DEMO_STUCK", `demo: gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The newest investigation of a namespace on a cluster. */
export async function investigationOf(
  stack: DemoStack,
  namespace: string,
  cluster: string,
): Promise<Investigation | undefined> {
  const recent = await stack.store.recent(20);
  return recent.find(
    (candidate) => candidate.trigger.namespace === namespace && investigationCluster(candidate) === cluster,
  );
}

/** Waits until the analysis is done and its last update (the final status) was posted. */
export async function analyzed(stack: DemoStack, namespace: string, cluster: string): Promise<Investigation> {
  const store = stack.store;
  return until(`the analysis of ${cluster}/${namespace}`, async () => {
    const found = await investigationOf(stack, namespace, cluster);
    if (!found || !ANALYSIS_DONE.has(found.status)) return undefined;
    const step = found.status === "failed" ? "failed" : `status:${found.status}`;
    return (await store.wasNotified(found.id, step)) ? found : undefined;
  });
}

/**
 * Waits until the investigation's thread shows its RCA, every proposal's buttons and the parent's
 * final summary: Slack posts are paced per channel, so they can land after the analysis is
 * recorded as notified.
 */
export async function threadPosted(stack: DemoStack, investigation: Investigation): Promise<void> {
  const thread = investigation.thread ?? investigation.trigger.slack;
  if (!thread?.threadTs) return;
  await until(`the ${investigation.trigger.namespace} thread's posts`, async () => {
    const replies = stack.fake.workspace.messages.filter(
      (message) => message.channel === thread.channel && message.threadTs === thread.threadTs,
    );
    const rca = replies.some((message) => message.text.includes("Root cause ("));
    const buttons = replies.filter((message) => buttonValue(message) !== undefined).length;
    // The parent's final edit (the answer-first summary) is the thread's last update.
    const parent = stack.fake.workspace.messages.find(
      (message) => message.channel === thread.channel && message.ts === (thread.statusTs ?? thread.threadTs),
    );
    const summarized = parent !== undefined && !parent.text.includes("Investigating");
    return rca && summarized && buttons >= investigation.proposals.length ? true : undefined;
  });
}

/** The `n`-th top-level message the bot posted in a channel (a slash command's thread parent). */
export function parentMessage(stack: DemoStack, channel: string, n = 0): FakeMessage | undefined {
  return stack.fake.workspace.messages.filter((message) => message.channel === channel && !message.threadTs)[
    n
  ];
}
