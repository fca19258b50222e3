import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { sections } from "../../../src/slack/blocks/kit.js";
import { createSlackClient } from "../../../src/slack/client.js";

let fake: FakeSlack;
beforeEach(async () => {
  fake = await new FakeSlack().start();
});
afterEach(async () => {
  await fake.stop();
});

describe("fake Slack Web API", () => {
  it("rejects what Slack rejects: bad tokens, over-long sections, more than 50 blocks", async () => {
    const wrong = createSlackClient("xoxb-wrong", fake.url);
    await expect(wrong.chat.postMessage({ channel: "C1", text: "x" })).rejects.toMatchObject({
      data: { error: "invalid_auth" },
    });
    const client = createSlackClient(fake.token, fake.url);
    const long = { type: "section" as const, text: { type: "mrkdwn" as const, text: "x".repeat(3001) } };
    await expect(client.chat.postMessage({ channel: "C1", text: "x", blocks: [long] })).rejects.toMatchObject(
      {
        data: { error: "invalid_blocks" },
      },
    );
    const many = Array.from({ length: 51 }, () => sections("x")[0]!);
    await expect(client.chat.postMessage({ channel: "C1", text: "x", blocks: many })).rejects.toMatchObject({
      data: { error: "invalid_blocks" },
    });
    expect(fake.transcript()).toEqual([]);
  });

  it("records threads, edits and reactions, and uploads files in three steps", async () => {
    const client = createSlackClient(fake.token, fake.url);
    const parent = await client.chat.postMessage({ channel: "C1", text: "parent" });
    await client.chat.postMessage({ channel: "C1", text: "reply", thread_ts: parent.ts as string });
    await client.chat.update({ channel: "C1", ts: parent.ts as string, text: "parent v2" });
    await client.reactions.add({ channel: "C1", timestamp: parent.ts as string, name: "eyes" });
    await client.filesUploadV2({
      channel_id: "C1",
      thread_ts: parent.ts as string,
      filename: "e.txt",
      content: "evidence",
    });
    const [channel] = fake.transcript();
    expect(channel?.messages).toHaveLength(1);
    expect(channel?.messages[0]).toMatchObject({
      text: "parent v2",
      edits: ["parent", "parent v2"],
      reactions: ["eyes"],
    });
    expect(channel?.messages[0]?.replies.map((reply) => reply.text)).toEqual(["reply", ""]);
    expect(channel?.messages[0]?.replies[1]?.files?.[0]).toMatchObject({
      name: "e.txt",
      content: "evidence",
    });
    expect(fake.calls.map((call) => call.method)).toEqual([
      "chat.postMessage",
      "chat.postMessage",
      "chat.update",
      "reactions.add",
      "files.getUploadURLExternal",
      "files.completeUploadExternal",
    ]);
  });
});
