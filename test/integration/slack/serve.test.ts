import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { FakeSlack } from "../../../src/dev/fake-slack.js";
import { waitFor } from "../../support/queue-helpers.js";
import { SlackSender } from "../../support/slack-requests.js";

const SECRET = "serve-test-signing-secret";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function serve(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve"], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

let fake: FakeSlack;
let child: ChildProcess | undefined;
beforeEach(async () => {
  fake = await new FakeSlack().start();
});
afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGKILL");
    await once(child, "exit");
  }
  child = undefined;
  await fake.stop();
});

describe("k8s-triage serve", () => {
  it("refuses to start without its required environment, naming each variable", async () => {
    const started = serve({});
    child = started.child;
    const [code] = (await once(child, "exit")) as [number];
    expect(code).toBe(1);
    expect(started.output()).toContain("SLACK_BOT_TOKEN");
    expect(started.output()).toContain("SLACK_SIGNING_SECRET");
    expect(started.output()).toContain("REDIS_URL");
    expect(started.output()).toContain("[SERVE_ENV]");
  });

  it("serves Slack requests and health on one port, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const started = serve({
      SLACK_BOT_TOKEN: fake.token,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      REDIS_URL: inject("redisUrl"),
      QUEUE_PREFIX: `serve-${port}`,
      PORT: String(port),
    });
    child = started.child;
    await waitFor(() => started.output().includes("listening on") || undefined, "serve to listen", 30_000);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SECRET);
    const response = await sender.command({ text: "prod-api", responseUrl: fake.responseUrl() });
    expect(response.status).toBe(200);
    const parent = await fake.waitFor((call) => call.method === "chat.postMessage");
    expect(parent.params.channel).toBe("C0OPS");
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number];
    expect(code).toBe(0);
  });
});
