import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log.js";
import type { OnceGuard } from "../../../src/slack/deps.js";
import { dropRedeliveries, isUnsentAck, redeliveryKey } from "../../../src/slack/redelivery.js";

/** An in-memory OnceGuard with the Redis one's semantics (first claim wins until released). */
function memoryGuard(): OnceGuard & { keys: Set<string> } {
  const keys = new Set<string>();
  return {
    keys,
    async claim(key) {
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    },
    async release(key) {
      keys.delete(key);
    },
  };
}

const logger = createLogger({}, () => {}, "silent");
const command = { command: "/triage", text: "prod-api", trigger_id: "1.abc" };

type Args = Parameters<ReturnType<typeof dropRedeliveries>>[0];

function run(
  middleware: ReturnType<typeof dropRedeliveries>,
  body: Record<string, unknown>,
  next: () => Promise<void>,
): { handled: () => number; acks: () => number; done: Promise<void> } {
  let handled = 0;
  let acks = 0;
  const args = {
    body,
    context: { retryNum: 1 },
    ack: async () => {
      acks += 1;
    },
    next: async () => {
      handled += 1;
      await next();
    },
  } as unknown as Args;
  return { handled: () => handled, acks: () => acks, done: middleware(args) };
}

describe("redelivery keys", () => {
  it("names slash commands and interactions by their trigger_id, and leaves events to their listeners", () => {
    expect(redeliveryKey(command)).toBe("command:1.abc");
    expect(redeliveryKey({ type: "block_actions", trigger_id: "2.def" })).toBe("block_actions:2.def");
    expect(redeliveryKey({ type: "event_callback", event_id: "Ev1" })).toBeUndefined();
    expect(redeliveryKey({ type: "block_actions" })).toBeUndefined();
    expect(redeliveryKey(undefined)).toBeUndefined();
  });

  it("tells an ack that never left (Socket Mode send errors) from other failures", () => {
    expect(isUnsentAck({ code: "slack_socket_mode_send_while_not_ready_error" })).toBe(true);
    expect(isUnsentAck({ code: "slack_webapi_platform_error" })).toBe(false);
    expect(isUnsentAck(new Error("boom"))).toBe(false);
  });
});

describe("dropRedeliveries", () => {
  it("handles the first delivery, and acks but drops the same trigger_id delivered again", async () => {
    const once = memoryGuard();
    const middleware = dropRedeliveries({ once, logger, ttlSeconds: 60 });
    const first = run(middleware, command, async () => {});
    await first.done;
    expect([first.handled(), first.acks()]).toEqual([1, 0]);
    const again = run(middleware, command, async () => {});
    await again.done;
    expect([again.handled(), again.acks()]).toEqual([0, 1]);
    const other = run(middleware, { ...command, trigger_id: "1.xyz" }, async () => {});
    await other.done;
    expect(other.handled()).toBe(1);
  });

  it("releases the claim when the ack could not be sent, so Slack's redelivery is handled, not lost", async () => {
    const once = memoryGuard();
    const middleware = dropRedeliveries({ once, logger, ttlSeconds: 60 });
    const unsent = Object.assign(new Error("not ready"), {
      code: "slack_socket_mode_send_while_not_ready_error",
    });
    const first = run(middleware, command, async () => {
      throw unsent;
    });
    await expect(first.done).rejects.toBe(unsent);
    expect(once.keys.size).toBe(0);
    const redelivered = run(middleware, command, async () => {});
    await redelivered.done;
    expect(redelivered.handled()).toBe(1);
  });

  it("keeps the claim when the work failed after the ack went out (Slack will not redeliver)", async () => {
    const once = memoryGuard();
    const middleware = dropRedeliveries({ once, logger, ttlSeconds: 60 });
    const first = run(middleware, command, async () => {
      throw new Error("chat.postMessage failed");
    });
    await expect(first.done).rejects.toThrow("chat.postMessage failed");
    expect([...once.keys]).toEqual(["slack-delivery:command:1.abc"]);
  });

  it("handles the delivery when Redis cannot be asked (a possible duplicate beats a lost command)", async () => {
    const middleware = dropRedeliveries({
      once: {
        claim: async () => {
          throw new Error("ECONNREFUSED");
        },
      },
      logger,
      ttlSeconds: 60,
    });
    const first = run(middleware, command, async () => {});
    await first.done;
    expect(first.handled()).toBe(1);
  });

  it("does not hold the ack behind a Redis that does not answer", async () => {
    const middleware = dropRedeliveries({
      once: { claim: () => new Promise<boolean>(() => {}) },
      logger,
      ttlSeconds: 60,
      claimTimeoutMs: 50,
    });
    const started = Date.now();
    const first = run(middleware, command, async () => {});
    await first.done;
    expect(first.handled()).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
