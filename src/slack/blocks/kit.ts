import type { types } from "@slack/bolt";
import { LIMITS } from "./limits.js";

/** A Block Kit block as Slack's own typings define it. */
export type Block = types.KnownBlock;

/** One message ready for chat.postMessage / chat.update: blocks plus the notification fallback. */
export interface SlackMessage {
  /** Shown in notifications, screen readers and clients that cannot render blocks. */
  text: string;
  blocks: Block[];
}

/**
 * Splits text into pieces of at most `max` characters, preferring paragraph, then line, then
 * word boundaries, and never splitting inside a `&amp;`-style entity. Nothing is dropped:
 * joining the pieces (with the boundary whitespace) gives back the input.
 */
export function splitText(text: string, max: number): string[] {
  if (max < 16) throw new RangeError("splitText: max must be at least 16");
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf("\n\n");
    if (cut < max / 2) cut = window.lastIndexOf("\n");
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max;
    const amp = rest.lastIndexOf("&", cut - 1);
    if (
      amp >= 0 &&
      amp > cut - 6 &&
      /^&(amp|lt|gt);/.test(rest.slice(amp)) &&
      rest.indexOf(";", amp) >= cut
    ) {
      cut = amp;
    }
    pieces.push(rest.slice(0, cut).replace(/\s+$/, ""));
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** Closes and reopens ``` fences so each piece of a split code block renders as code. */
function balanceFences(pieces: string[]): string[] {
  let open = false;
  return pieces.map((piece) => {
    let out = open ? "```" + piece : piece;
    const fences = (piece.match(/```/g) ?? []).length;
    if (fences % 2 === 1) open = !open;
    if (open) out += "```";
    return out;
  });
}

/** One or more mrkdwn sections holding `text`, split at Slack's section limit. */
export function sections(text: string, blockIdPrefix?: string): Block[] {
  // Leave room for the fence characters balanceFences may add.
  const pieces = balanceFences(splitText(text, LIMITS.sectionText - 6));
  return pieces.map((piece, index) => {
    const block: types.SectionBlock = { type: "section", text: { type: "mrkdwn", text: piece } };
    if (blockIdPrefix) block.block_id = `${blockIdPrefix}-${index}`.slice(0, LIMITS.blockId);
    return block;
  });
}

/** A header block; longer text becomes a bold section instead so nothing is cut. */
export function header(text: string): Block {
  if (text.length <= LIMITS.headerText)
    return { type: "header", text: { type: "plain_text", text, emoji: true } };
  return { type: "section", text: { type: "mrkdwn", text: `*${text}*` } };
}

/** Context blocks holding the given mrkdwn elements (long ones split), ten elements per block. */
export function contexts(elements: string[]): Block[] {
  const pieces = elements.flatMap((text) => splitText(text, LIMITS.contextElementText));
  const blocks: Block[] = [];
  for (let i = 0; i < pieces.length; i += LIMITS.contextElements) {
    const chunk = pieces.slice(i, i + LIMITS.contextElements);
    blocks.push({ type: "context", elements: chunk.map((text) => ({ type: "mrkdwn", text })) });
  }
  return blocks;
}

export function divider(): Block {
  return { type: "divider" };
}

/**
 * Packs blocks into as many messages as needed (50 blocks each). The first message carries
 * `text`; the others say which part they are, so notifications stay meaningful.
 */
export function packMessages(text: string, blocks: Block[]): SlackMessage[] {
  const chunks: Block[][] = [];
  for (let i = 0; i < blocks.length; i += LIMITS.blocksPerMessage) {
    chunks.push(blocks.slice(i, i + LIMITS.blocksPerMessage));
  }
  if (chunks.length === 0) chunks.push([]);
  const fallback = text.length > LIMITS.messageText ? text.slice(0, LIMITS.messageText - 1) + "…" : text;
  if (chunks.length === 1) return [{ text: fallback, blocks: chunks[0] ?? [] }];
  const firstLine = fallback.split("\n")[0] ?? fallback;
  return chunks.map((chunk, index) => ({
    text: index === 0 ? fallback : `${firstLine} (part ${index + 1}/${chunks.length})`,
    blocks: chunk,
  }));
}
