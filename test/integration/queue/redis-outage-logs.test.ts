import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("../../support/redis-outage-child.ts", import.meta.url));

describe("logs during a Redis outage", () => {
  it("every connection logs one structured line per state change, never ioredis' unhandled error lines", async () => {
    const { stderr } = await run(process.execPath, ["--import", "tsx", CHILD, "1500"], {
      timeout: 30_000,
      env: { ...process.env, LOG_LEVEL: "info" },
    });
    const lines = stderr.split("\n").filter(Boolean);
    expect(lines.filter((line) => line.includes("[ioredis]"))).toEqual([]);
    // Everything on stderr is a JSON log line.
    const records = lines.map((line) => JSON.parse(line) as { msg: string; connection?: string });
    const lost = records.filter((record) => record.msg === "redis connection lost; reconnecting");
    // One line per connection, although each retried many times.
    expect(lost.map((record) => record.connection).sort()).toEqual(["producer", "worker", "worker+"]);
  });
});
