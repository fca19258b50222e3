/**
 * Slack's documented Block Kit and message limits. Builders split content to stay inside them;
 * `messageProblems` checks a finished message so tests (and the poster, defensively) can prove
 * nothing was silently truncated by Slack.
 */
export const LIMITS = {
  /** section.text and each section field: characters of mrkdwn/plain text. */
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  /** plain_text elements in general (button labels are stricter). */
  plainText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  blocksPerMessage: 50,
  blocksPerHomeView: 100,
  contextElements: 10,
  actionsElements: 10,
  contextElementText: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Top-level `text` of chat.postMessage; Slack truncates beyond this. */
  messageText: 40_000,
} as const;
