import type { Block, SlackMessage } from "./kit.js";
import { LIMITS } from "./limits.js";

type TextObject = { type: string; text: string };

function textLength(object: TextObject | undefined): number {
  return object?.text.length ?? 0;
}

function buttonProblems(element: Record<string, unknown>, where: string): string[] {
  const problems: string[] = [];
  if (textLength(element.text as TextObject) > LIMITS.buttonText) problems.push(`${where}: button text > 75`);
  if (typeof element.value === "string" && element.value.length > LIMITS.buttonValue)
    problems.push(`${where}: button value > 2000`);
  if (typeof element.action_id === "string" && element.action_id.length > LIMITS.actionId)
    problems.push(`${where}: action_id > 255`);
  const confirm = element.confirm as Record<string, TextObject> | undefined;
  if (confirm) {
    if (textLength(confirm.title) > LIMITS.confirmTitle) problems.push(`${where}: confirm title > 100`);
    if (textLength(confirm.text) > LIMITS.confirmText) problems.push(`${where}: confirm text > 300`);
    if (textLength(confirm.confirm) > LIMITS.confirmButton) problems.push(`${where}: confirm button > 30`);
    if (textLength(confirm.deny) > LIMITS.confirmButton) problems.push(`${where}: deny button > 30`);
  }
  return problems;
}

/** Every way a block breaks Slack's limits (empty when it is fine). */
export function blockProblems(block: Block, where: string): string[] {
  const problems: string[] = [];
  if (block.block_id && block.block_id.length > LIMITS.blockId) problems.push(`${where}: block_id > 255`);
  switch (block.type) {
    case "section": {
      if (textLength(block.text) > LIMITS.sectionText) problems.push(`${where}: section text > 3000`);
      if (block.text && block.text.text.length === 0) problems.push(`${where}: empty section text`);
      const fields = block.fields ?? [];
      if (fields.length > LIMITS.sectionFields) problems.push(`${where}: more than 10 fields`);
      for (const field of fields) {
        if (field.text.length > LIMITS.sectionFieldText) problems.push(`${where}: field text > 2000`);
      }
      if (!block.text && fields.length === 0) problems.push(`${where}: section without text or fields`);
      break;
    }
    case "header":
      if (block.text.text.length > LIMITS.headerText) problems.push(`${where}: header text > 150`);
      break;
    case "context":
      if (block.elements.length > LIMITS.contextElements) problems.push(`${where}: context > 10 elements`);
      if (block.elements.length === 0) problems.push(`${where}: empty context`);
      break;
    case "actions":
      if (block.elements.length > LIMITS.actionsElements) problems.push(`${where}: actions > 10 elements`);
      block.elements.forEach((element, index) => {
        problems.push(...buttonProblems(element as unknown as Record<string, unknown>, `${where}.${index}`));
      });
      break;
    default:
      break;
  }
  return problems;
}

/** Every way a message breaks Slack's limits (empty when Slack will show all of it). */
export function messageProblems(
  message: SlackMessage,
  maxBlocks: number = LIMITS.blocksPerMessage,
): string[] {
  const problems: string[] = [];
  if (message.text.trim().length === 0) problems.push("empty fallback text");
  if (message.text.length > LIMITS.messageText) problems.push("fallback text > 40000");
  if (message.blocks.length > maxBlocks) problems.push(`more than ${maxBlocks} blocks`);
  const ids = new Set<string>();
  const actionIds = new Set<string>();
  message.blocks.forEach((block, index) => {
    problems.push(...blockProblems(block, `block ${index}`));
    if (block.block_id) {
      if (ids.has(block.block_id)) problems.push(`block ${index}: duplicate block_id ${block.block_id}`);
      ids.add(block.block_id);
    }
    // Slack refuses a message whose interactive elements share an action_id.
    const elements = block.type === "actions" ? block.elements : [];
    for (const element of elements as { action_id?: string }[]) {
      if (!element.action_id) continue;
      if (actionIds.has(element.action_id))
        problems.push(`block ${index}: duplicate action_id ${element.action_id}`);
      actionIds.add(element.action_id);
    }
  });
  return problems;
}
