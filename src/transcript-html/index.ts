import type { TranscriptChannel } from "../dev/fake-slack-state.js";
import { blockToHtml } from "./blocks.js";
import { escapeHtml, mrkdwnToHtml } from "./mrkdwn.js";

export { escapeHtml, mrkdwnToHtml } from "./mrkdwn.js";

/** One message as the transcript holds it (the fake Slack Web API's final state). */
type Message = TranscriptChannel["messages"][number]["replies"][number];

/** Names shown for user and bot ids (anything else shows the id). */
export interface HtmlOptions {
  title?: string;
  names?: Record<string, string>;
}

const STYLE = `
body{margin:0;font:15px/1.46668 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif,"Noto Color Emoji";color:#1d1c1d;background:#fff}
h1{font-size:18px;margin:0;padding:12px 20px;border-bottom:1px solid #ddd}
.channel{border-bottom:8px solid #f4f4f4}
.channel>h2{font-size:16px;margin:0;padding:10px 20px;color:#616061}
.thread{padding:0 0 8px}
.msg{display:flex;gap:8px;padding:8px 20px}
.avatar{flex:0 0 36px;height:36px;border-radius:4px;background:#4a154b;color:#fff;font-weight:700;display:flex;align-items:center;justify-content:center}
.body{flex:1;min-width:0}
.who{font-weight:900}.who small{font-weight:400;color:#616061;margin-left:6px}
.replies{margin-left:64px;border-left:2px solid #e8e8e8}
.replies .msg{padding-left:12px}
.block{margin:4px 0}
.text{white-space:normal;overflow-wrap:anywhere}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin-top:4px}
.header{font-size:18px;font-weight:900}
.context{font-size:12px;color:#616061;display:flex;flex-wrap:wrap;gap:8px}
.divider{border:0;border-top:1px solid #ddd}
.actions{display:flex;gap:8px}
.btn{font:700 15px sans-serif;padding:0 12px;height:36px;border-radius:4px;border:1px solid #bbb;background:#fff}
.btn.primary{background:#007a5a;color:#fff;border-color:#007a5a}
.btn.danger{background:#e01e5a;color:#fff;border-color:#e01e5a}
pre{font:12px/1.5 Monaco,Menlo,Consolas,monospace;background:#f8f8f8;border:1px solid #ddd;border-radius:4px;padding:8px;margin:4px 0;white-space:pre-wrap;overflow-wrap:anywhere}
code{font:12px Monaco,Menlo,Consolas,monospace;color:#c01343;background:#f8f8f8;border:1px solid #ddd;border-radius:3px;padding:0 3px}
blockquote{margin:4px 0;padding-left:10px;border-left:4px solid #ddd;color:#454245}
.mention{color:#1264a3;background:#e8f5fa;border-radius:3px;padding:0 2px}
.file{border:1px solid #ddd;border-radius:8px;padding:8px 12px;display:inline-block;margin-top:4px}
.edited{color:#616061;font-size:12px}
.image{margin:4px 0}.image img{display:block;max-width:100%;height:auto;border:1px solid #ddd;border-radius:8px}
.image figcaption{color:#616061;font-size:12px}
`;

/**
 * Writes where every message, text and button sits, in px from the top of its thread, onto the
 * element (data-y0 / data-y1), so a test can read the layout from Chromium's --dump-dom.
 */
const MEASURE = `addEventListener("load",()=>{for(const t of document.querySelectorAll(".thread")){const top=t.getBoundingClientRect().top;for(const e of t.querySelectorAll(".msg,.text,.field,.btn")){const r=e.getBoundingClientRect();e.setAttribute("data-y0",String(Math.round(r.top-top)));e.setAttribute("data-y1",String(Math.round(r.bottom-top)));}}});`;

/** A shared file: an image inline (its uploaded bytes, with its alt text), anything else as a chip. */
function fileHtml(file: NonNullable<Message["files"]>[number]): string {
  if (file.filetype === "png" && file.bytes.length > 0) {
    const alt = escapeHtml(file.altText ?? file.title);
    return `<figure class="image"><img src="data:image/png;base64,${file.bytes.toString("base64")}" alt="${alt}" width="540"><figcaption>${escapeHtml(file.title)}</figcaption></figure>`;
  }
  return `<div class="file">📄 <b>${escapeHtml(file.title)}</b> <small>${escapeHtml(file.name)}</small></div>`;
}

function messageHtml(message: Message, options: HtmlOptions, role: "parent" | "reply"): string {
  const who = message.botId
    ? "k8s-triage"
    : (options.names?.[message.user ?? ""] ?? message.user ?? "someone");
  const blocks = message.blocks?.length
    ? message.blocks.map(blockToHtml).join("")
    : `<div class="block section"><div class="text">${mrkdwnToHtml(message.text)}</div></div>`;
  const files = (message.files ?? []).map(fileHtml).join("");
  const edited = message.edits.length > 1 ? ' <span class="edited">(edited)</span>' : "";
  return `<div class="msg" data-role="${role}" data-ts="${escapeHtml(message.ts)}"><div class="avatar">${escapeHtml(who.slice(0, 1).toUpperCase())}</div><div class="body"><div class="who">${escapeHtml(who)}<small>${escapeHtml(message.ts)}</small>${edited}</div>${blocks}${files}</div></div>`;
}

/**
 * The Slack transcript as a page that looks like Slack: each channel, each message with its
 * thread open below it (as the thread pane shows it: parent first, then the replies). Pure;
 * `k8s-triage demo --html FILE` writes it, and a Chromium test measures it.
 */
export function transcriptHtml(channels: TranscriptChannel[], options: HtmlOptions = {}): string {
  const body = channels
    .map((channel) => {
      const threads = channel.messages
        .map(
          (message) =>
            `<section class="thread" data-channel="${escapeHtml(channel.channel)}" data-thread-ts="${escapeHtml(message.ts)}">${messageHtml(message, options, "parent")}${
              message.replies.length
                ? `<div class="replies">${message.replies.map((reply) => messageHtml(reply, options, "reply")).join("")}</div>`
                : ""
            }</section>`,
        )
        .join("");
      return `<div class="channel"><h2>#${escapeHtml(channel.channel)}</h2>${threads}</div>`;
    })
    .join("");
  const title = escapeHtml(options.title ?? "Slack transcript");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1>${body}<script>${MEASURE}</script></body></html>\n`;
}
