/**
 * What an on-call engineer's thread may cost them, written down so tests can hold the builders to
 * it (test/unit/slack/budget.test.ts runs every built-in scenario and a namespace with 30 broken
 * Deployments through them). Slack's hard limits are in limits.ts; these are ours, and tighter.
 */
export const THREAD_BUDGET = {
  /** No message the bot builds has more blocks than this (Slack allows 50). */
  maxBlocksPerMessage: 15,
  /**
   * Replies in the thread before anyone approves anything: the RCA, the cards, and one files reply
   * (the evidence file and the charts together).
   */
  maxRepliesBeforeApproval: 4,
  /** The RCA reply must land within this long after `/triage` on the demo (measured by npm run demo). */
  rcaWithinMs: 2000,
  /** Root causes listed in the RCA reply; the rest are counted there and listed in the evidence file. */
  maxCausesInline: 3,
  /**
   * Characters of each of a cause's three lines (about one line of a laptop's Slack thread pane);
   * the full text is in the evidence file.
   */
  causeLineChars: 80,
  /** Chart images in the files reply (the alerting series, memory against its limit). */
  maxCharts: 2,
  /** The first screen: the thread's top this many pixels tall at 800 px width (checked in Chromium). */
  firstScreenPx: 900,
} as const;

/**
 * Slack posts about one message per second per channel and allows short bursts above that. The
 * poster spends this many writes at once (the parent and the first replies), then paces the rest.
 */
export const SLACK_CHANNEL_BURST = 3;
