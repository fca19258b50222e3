import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { PNG } from "pngjs";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { CHART_LIMITS } from "../../../src/charts/index.js";
import { defaultPolicy } from "../../../src/config/policy.js";
import { Transcript } from "../../../src/demo/transcript.js";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import type { FakeMessage } from "../../../src/dev/fake-slack-state.js";
import type { Investigation } from "../../../src/domain/investigation.js";
import type { RcaReport } from "../../../src/domain/rca.js";
import { createLogger } from "../../../src/log.js";
import { createProducerConnection, waitReady } from "../../../src/queue/connection.js";
import { InvestigationStore } from "../../../src/queue/store.js";
import { THREAD_BUDGET } from "../../../src/slack/blocks/budget.js";
import { sections } from "../../../src/slack/blocks/kit.js";
import { createSlackClient } from "../../../src/slack/client.js";
import { SlackNotifier } from "../../../src/slack/notifier.js";
import { SlackPoster } from "../../../src/slack/poster.js";
import { transcriptHtml } from "../../../src/transcript-html/index.js";
import { alertChart, memoryChart } from "../../support/chart-fixtures.js";
import { rcaReport } from "../../support/slack-fixtures.js";

/**
 * Charts in the thread, through the real notifier, poster and @slack/web-api client against the
 * fake Slack: the PNG arrives as an image file with its alt text, inside the reply budget, and a
 * failed chart never costs the evidence or the investigation.
 */

const silent = createLogger({}, () => {}, "silent");

let fake: FakeSlack;
let redis: Redis;
let store: InvestigationStore;
let investigation: Investigation;

const poster = (maxAttempts = 3) =>
  new SlackPoster({
    client: createSlackClient(fake.token, fake.url),
    logger: silent,
    channelIntervalMs: 0,
    maxAttempts,
    baseDelayMs: 1,
    sleep: async () => {},
  });

/** An RCA short enough that no evidence file is needed: the charts are the files reply alone. */
const shortRca = (): RcaReport => {
  const base = rcaReport();
  const [cause] = base.rootCauses;
  return rcaReport({
    rootCauses: cause ? [{ ...cause, affected: [] }] : [],
    hypothesesRejected: [],
    validationPlan: [],
  });
};

async function finish(rca: RcaReport, charts = [memoryChart()]): Promise<Investigation> {
  return store.update(investigation.id, (inv) => ({ ...inv, status: "completed", rca, charts }));
}

async function run(notifier: SlackNotifier, current: Investigation): Promise<FakeMessage[]> {
  await notifier.notify(current, { type: "rca" });
  await notifier.notify(current, { type: "status" });
  // A retried job re-notifies: nothing is posted twice.
  await notifier.notify(current, { type: "status" });
  return fake.transcript()[0]?.messages[0]?.replies ?? [];
}

beforeEach(async () => {
  fake = await new FakeSlack().start();
  redis = createProducerConnection(inject("redisUrl"), "slack-charts-test");
  await waitReady(redis);
  store = new InvestigationStore(redis, { prefix: `sc-${randomUUID().slice(0, 8)}`, retentionHours: 1 });
  const parent = await poster().post("C0OPS", {
    text: "Investigating shop…",
    blocks: sections("Investigating shop…"),
  });
  ({ investigation } = await store.createOrJoin(
    {
      source: "slash-command",
      namespace: "shop",
      requestedBy: "U0ALICE",
      slack: { channel: "C0OPS", threadTs: parent.ts, statusTs: parent.ts },
      receivedAt: new Date().toISOString(),
    },
    new Date(),
  ));
});
afterEach(async () => {
  await redis.quit();
  await fake.stop();
});

describe("charts in the thread", () => {
  it("uploads the chart as a PNG image with alt text, in the same reply as the evidence file", async () => {
    const current = await finish(rcaReport(), [memoryChart(), alertChart(), memoryChart()]);
    const notifier = new SlackNotifier({ poster: poster(), store, policy: defaultPolicy(), logger: silent });
    const replies = await run(notifier, current);

    // RCA, the fix's card, one files reply: inside the budget, and the chart took no extra reply.
    expect(replies.length).toBeLessThanOrEqual(THREAD_BUDGET.maxRepliesBeforeApproval);
    const withFiles = replies.filter((reply) => reply.files?.length);
    expect(withFiles).toHaveLength(1);
    const files = withFiles[0]?.files ?? [];
    expect(files.map((file) => file.filetype)).toEqual(["text", "png", "png"]);
    expect(files[0]?.name).toBe(`evidence-${investigation.id}.txt`);
    const [, memory, alert] = files;
    expect(memory?.title).toBe(memoryChart().title);
    expect(memory?.altText).toBe(memoryChart().altText);
    expect(alert?.altText).toBe(alertChart().altText);
    expect(memory?.name).toMatch(/^chart-1-memory-working-set-analytics-service-analytics-.+\.png$/);
    for (const file of [memory, alert]) {
      const png = PNG.sync.read(file?.bytes ?? Buffer.alloc(0));
      expect([png.width, png.height]).toEqual([1440, 640]);
      expect(file?.bytes.length).toBeLessThan(CHART_LIMITS.maxBytes);
    }
    expect(withFiles[0]?.text).toContain(`📈 ${memoryChart().title} · ${alertChart().title}`);
    // Over THREAD_BUDGET.maxCharts: counted, not posted.
    expect(withFiles[0]?.text).toContain("1 more chart not posted");
    // The alt text reached Slack as files.getUploadURLExternal's documented alt_txt, for images only.
    const asked = fake
      .callsOf("files.getUploadURLExternal")
      .map((call) => [call.params.filename, call.params.alt_txt]);
    expect(asked).toEqual([
      [`evidence-${investigation.id}.txt`, undefined],
      [memory?.name, memoryChart().altText],
      [alert?.name, alertChart().altText],
    ]);
    expect(fake.callsOf("files.completeUploadExternal")).toHaveLength(1);
  });

  it("posts charts alone as one image reply when no evidence file is needed", async () => {
    // Alt text over Slack's 1000 characters would be refused (alt_txt_too_large): it is cut.
    const chart = { ...memoryChart(), altText: "Memory climbs to its limit. ".repeat(60) };
    const current = await finish(shortRca(), [chart]);
    const notifier = new SlackNotifier({ poster: poster(), store, policy: defaultPolicy(), logger: silent });
    const replies = await run(notifier, current);
    const files = replies.flatMap((reply) => reply.files ?? []);
    expect(files.map((file) => file.filetype)).toEqual(["png"]);
    expect(files[0]?.bytes.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(files[0]?.altText).toBe(chart.altText.slice(0, 1000));
    expect(replies.length).toBeLessThanOrEqual(THREAD_BUDGET.maxRepliesBeforeApproval);
  });

  it("still posts the evidence, with a note, when the chart upload fails", async () => {
    const current = await finish(rcaReport());
    const notifier = new SlackNotifier({ poster: poster(1), store, policy: defaultPolicy(), logger: silent });
    // The first upload (evidence + chart) fails once; the retry without the picture goes through.
    fake.failNext("files.getUploadURLExternal", { status: 503 });
    const replies = await run(notifier, current);
    const files = replies.flatMap((reply) => reply.files ?? []);
    expect(files.map((file) => file.filetype)).toEqual(["text"]);
    const reply = replies.find((one) => one.files?.length);
    expect(reply?.text).toContain("⚠️ Charts could not be uploaded");
    expect(reply?.text).toContain("Every affected object");
  });

  it("reports a chart that cannot be drawn in a short reply and finishes the investigation", async () => {
    const current = await finish(shortRca());
    const notifier = new SlackNotifier({
      poster: poster(),
      store,
      policy: defaultPolicy(),
      logger: silent,
      // A size outside CHART_LIMITS: the real renderer refuses it with chart.invalid-options.
      chartOptions: { width: 10_000 },
    });
    const replies = await run(notifier, current);
    expect(replies.flatMap((reply) => reply.files ?? [])).toEqual([]);
    const notes = replies.filter((reply) => reply.text.includes("Charts not posted"));
    expect(notes).toHaveLength(1);
    expect(notes[0]?.text).toContain(`The chart "${memoryChart().title}" could not be drawn`);
    expect(fake.callsOf("files.getUploadURLExternal")).toHaveLength(0);
  });

  it("shows the image in the demo transcript and as an <img> of the uploaded bytes in the HTML transcript", async () => {
    const lines: string[] = [];
    const transcript = new Transcript((line) => lines.push(line));
    const detach = transcript.attach(fake);
    const current = await finish(shortRca());
    const notifier = new SlackNotifier({ poster: poster(), store, policy: defaultPolicy(), logger: silent });
    const replies = await run(notifier, current);
    detach();
    const image = replies.flatMap((reply) => reply.files ?? []).find((file) => file.filetype === "png");
    expect(image).toBeDefined();
    const kb = Math.round((image?.bytes.length ?? 0) / 1024);
    expect(lines.some((line) => line.includes(`🖼 ${memoryChart().title} (PNG, ${kb} KB)`))).toBe(true);

    const html = transcriptHtml(fake.transcript(), { title: "charts" });
    const match = /<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"/.exec(html);
    expect(Buffer.from(match?.[1] ?? "", "base64").equals(image?.bytes ?? Buffer.alloc(1))).toBe(true);
    expect(match?.[2]).toBe(memoryChart().altText);
    const out = join(process.cwd(), ".artifacts", "charts");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "thread.html"), html);
  });
});
