import { escapeHtml, mrkdwnToHtml } from "./mrkdwn.js";

/** The parts of a Block Kit block this renderer reads (the app's builders produce these). */
type TextObject = { type: "mrkdwn" | "plain_text"; text: string };
type AnyBlock = {
  type: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: (TextObject & { action_id?: string; style?: string; value?: string; confirm?: unknown })[];
};

function textHtml(object: TextObject | undefined): string {
  if (!object) return "";
  return object.type === "mrkdwn" ? mrkdwnToHtml(object.text) : escapeHtml(object.text);
}

function button(element: NonNullable<AnyBlock["elements"]>[number]): string {
  const style = element.style === "primary" ? " primary" : element.style === "danger" ? " danger" : "";
  const label = typeof element.text === "object" ? escapeHtml((element.text as TextObject).text) : "";
  const confirm = element.confirm ? ' data-confirm="yes"' : "";
  return `<button class="btn${style}" data-action-id="${escapeHtml(element.action_id ?? "")}"${confirm}>${label}</button>`;
}

/** One block as Slack lays it out: sections (with a two-column field grid), context, header, divider, actions. */
export function blockToHtml(block: unknown): string {
  const b = block as AnyBlock;
  switch (b.type) {
    case "section": {
      const text = b.text ? `<div class="text">${textHtml(b.text)}</div>` : "";
      const fields = b.fields?.length
        ? `<div class="fields">${b.fields.map((field) => `<div class="field">${textHtml(field)}</div>`).join("")}</div>`
        : "";
      return `<div class="block section">${text}${fields}</div>`;
    }
    case "header":
      return `<div class="block header">${textHtml(b.text)}</div>`;
    case "context":
      return `<div class="block context">${(b.elements ?? []).map((element) => `<span>${textHtml(element)}</span>`).join("")}</div>`;
    case "divider":
      return `<hr class="block divider">`;
    case "actions":
      return `<div class="block actions">${(b.elements ?? []).map(button).join("")}</div>`;
    default:
      return `<div class="block unknown">[${escapeHtml(b.type)} block]</div>`;
  }
}
