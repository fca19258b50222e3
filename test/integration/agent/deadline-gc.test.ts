import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("../../support/deadline-gc-child.ts", import.meta.url));

describe("investigation time limit under garbage collection (Node 20, nodejs/node#57736)", () => {
  it("a model that never answers is abandoned at the limit even when collections run meanwhile", async () => {
    // A separate process, because only `node --expose-gc` lets the test force collections.
    const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", CHILD, "400", "8000"], {
      timeout: 30_000,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
      stuck?: boolean;
      source?: string;
      fallbackReason?: string;
    };
    expect(result.stuck).toBeUndefined();
    expect(result.source).toBe("deterministic");
    expect(result.fallbackReason).toMatch(/timed out/);
  });
});
