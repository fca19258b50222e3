import { describe, expect, it } from "vitest";
import { packMessages, sections, splitText } from "../../../src/slack/blocks/kit.js";
import { LIMITS } from "../../../src/slack/blocks/limits.js";
import { messageProblems } from "../../../src/slack/blocks/validate.js";
import { code, codeBlock, escapeMrkdwn, link, mentionUser } from "../../../src/slack/mrkdwn.js";

describe("mrkdwn escaping", () => {
  it("escapes &, < and > so user text cannot form links or mentions", () => {
    expect(escapeMrkdwn("a & b <!channel> <@U1> <http://x|y>")).toBe(
      "a &amp; b &lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt;",
    );
  });

  it("mentions only well-formed user ids and escapes anything else", () => {
    expect(mentionUser("U0ALICE")).toBe("<@U0ALICE>");
    expect(mentionUser("<!here>")).toBe("&lt;!here&gt;");
    expect(mentionUser(undefined)).toBe("someone");
  });

  it("links only http(s) URLs and escapes the label", () => {
    expect(link("https://slack.example/archives/C1/p1", "a<b")).toBe(
      "<https://slack.example/archives/C1/p1|a&lt;b>",
    );
    expect(link("javascript:alert(1)", "x")).toBe("x");
    expect(link(undefined, "label|with pipe")).toBe("label¦with pipe");
  });

  it("keeps code spans and blocks closed whatever the content", () => {
    expect(code("a`b\nc")).toBe("`aˋb c`");
    expect(codeBlock("x```y")).toBe("```xˋˋˋy```");
  });
});

describe("splitText", () => {
  it("returns short text unchanged", () => {
    expect(splitText("hello", 100)).toEqual(["hello"]);
    expect(splitText("", 100)).toEqual([""]);
  });

  it("splits at paragraph, line, then word boundaries and loses no words", () => {
    const paragraph = "word ".repeat(300).trim();
    const text = `${paragraph}\n\n${paragraph}\nline two`;
    const pieces = splitText(text, 1000);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(1000);
    expect(pieces.join(" ").split(/\s+/)).toEqual(text.split(/\s+/));
  });

  it("hard-splits text without any whitespace", () => {
    const text = "x".repeat(2500);
    const pieces = splitText(text, 1000);
    expect(pieces.map((piece) => piece.length)).toEqual([1000, 1000, 500]);
    expect(pieces.join("")).toBe(text);
  });

  it("never cuts an HTML entity in half", () => {
    const text = `${"x".repeat(998)}&amp;${"y".repeat(10)}`;
    const pieces = splitText(text, 1000);
    expect(pieces[0]).toBe("x".repeat(998));
    expect(pieces[1]?.startsWith("&amp;")).toBe(true);
  });
});

describe("sections and packMessages", () => {
  it("splits long text into several sections within 3000 characters, re-balancing code fences", () => {
    const text = "```" + "log line\n".repeat(800) + "```";
    const blocks = sections(text);
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) {
      const body = block.type === "section" ? (block.text?.text ?? "") : "";
      expect(body.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((body.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });

  it("packs more than 50 blocks into several valid messages with meaningful fallbacks", () => {
    const blocks = Array.from({ length: 120 }, (_, i) => sections(`block ${i}`)[0]!);
    const messages = packMessages("Root cause: x", blocks);
    expect(messages.map((message) => message.blocks.length)).toEqual([50, 50, 20]);
    expect(messages[0]?.text).toBe("Root cause: x");
    expect(messages[2]?.text).toBe("Root cause: x (part 3/3)");
    for (const message of messages) expect(messageProblems(message)).toEqual([]);
    expect(messages.flatMap((message) => message.blocks)).toEqual(blocks);
  });

  it("reports every limit a message breaks", () => {
    const tooLong = { type: "section" as const, text: { type: "mrkdwn" as const, text: "x".repeat(3001) } };
    const problems = messageProblems({ text: "", blocks: [tooLong, ...Array(50).fill({ type: "divider" })] });
    expect(problems).toEqual(
      expect.arrayContaining(["empty fallback text", "more than 50 blocks", "block 0: section text > 3000"]),
    );
  });
});
