/**
 * Slack mrkdwn → HTML, as Slack's clients render it: *bold*, _italic_, ~strike~, `code`,
 * ```pre```, `>` quotes, <@U…> mentions, <!date^…|fallback>, <url|label> links, line breaks.
 * Text arrives escaped the Slack way (&amp; &lt; &gt;), which is already valid HTML.
 */

/** Escapes plain text (plain_text objects, file names) for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Keeps Slack's own entities, escapes any other `&` and quotes. */
function entitySafe(text: string): string {
  return text.replace(/&(?!(amp|lt|gt|quot|#\d+);)/g, "&amp;").replace(/"/g, "&quot;");
}

/** `<…>` control sequences: mentions, dates, links, broadcasts. */
function control(inner: string): string {
  if (inner.startsWith("@"))
    return `<span class="mention">@${entitySafe(inner.slice(1).split("|")[0] ?? "")}</span>`;
  if (inner.startsWith("!date^")) {
    const fallback = inner.split("|").slice(1).join("|");
    return `<time>${entitySafe(fallback)}</time>`;
  }
  if (inner.startsWith("!"))
    return `<span class="mention">@${entitySafe(inner.slice(1).split("|")[0] ?? "")}</span>`;
  if (inner.startsWith("#"))
    return `<span class="mention">#${entitySafe(inner.slice(1).split("|")[1] ?? inner.slice(1))}</span>`;
  const [url, label] = inner.split("|");
  return `<a href="${entitySafe(url ?? "")}">${entitySafe(label ?? url ?? "")}</a>`;
}

function inline(text: string): string {
  const parts: string[] = [];
  // Inline code first: nothing inside it is formatted.
  const pieces = text.split(/(`[^`\n]+`)/g);
  for (const piece of pieces) {
    if (/^`[^`\n]+`$/.test(piece)) {
      parts.push(`<code>${entitySafe(piece.slice(1, -1))}</code>`);
      continue;
    }
    let out = "";
    let rest = piece;
    for (let match = /<([^<>\s][^<>]*)>/.exec(rest); match; match = /<([^<>\s][^<>]*)>/.exec(rest)) {
      out += style(entitySafe(rest.slice(0, match.index))) + control(match[1] ?? "");
      rest = rest.slice(match.index + match[0].length);
    }
    parts.push(out + style(entitySafe(rest)));
  }
  return parts.join("");
}

function style(text: string): string {
  return text
    .replace(/(^|[\s(>])\*([^*\n]+)\*(?=$|[\s).,:;!?<])/g, "$1<b>$2</b>")
    .replace(/(^|[\s(>])_([^_\n]+)_(?=$|[\s).,:;!?<])/g, "$1<i>$2</i>")
    .replace(/(^|[\s(>])~([^~\n]+)~(?=$|[\s).,:;!?<])/g, "$1<s>$2</s>");
}

/** One mrkdwn text object as HTML. */
export function mrkdwnToHtml(text: string): string {
  const out: string[] = [];
  const chunks = text.split(/```/);
  chunks.forEach((chunk, index) => {
    if (index % 2 === 1) {
      out.push(`<pre>${entitySafe(chunk.replace(/^\n/, ""))}</pre>`);
      return;
    }
    const lines = chunk.split("\n");
    let quote: string[] = [];
    const flush = () => {
      if (quote.length > 0) out.push(`<blockquote>${quote.join("<br>")}</blockquote>`);
      quote = [];
    };
    const rendered: string[] = [];
    for (const line of lines) {
      const quoted = /^(>|&gt;) ?(.*)$/.exec(line);
      if (quoted) {
        if (rendered.length) out.push(rendered.splice(0).join("<br>"));
        quote.push(inline(quoted[2] ?? ""));
      } else {
        flush();
        rendered.push(inline(line));
      }
    }
    flush();
    if (rendered.length) out.push(rendered.join("<br>"));
  });
  return out.join("");
}
