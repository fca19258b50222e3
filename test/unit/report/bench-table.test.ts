import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBench } from "../../../src/bench/index.js";
import { renderTable } from "../../../src/bench/table.js";
import { InputError } from "../../../src/errors.js";

// The bench harness's printed table (src/bench/table.ts) and its registry's input checks.
describe("renderTable", () => {
  it("aligns numbers right and text left, in the given column order", () => {
    const table = renderTable(
      [
        { case: "1k pods", ms: 12.345, requests: 56 },
        { case: "10k pods", ms: 1342, requests: 168 },
      ],
      ["case", "requests", "ms"],
    );
    expect(table).toBe(
      [
        "case      requests     ms",
        "--------  --------  -----",
        "1k pods         56  12.35",
        "10k pods       168   1342",
        "",
      ].join("\n"),
    );
  });

  it("says so when there are no rows", () => {
    expect(renderTable([])).toBe("(no rows)\n");
  });
});

describe("runBench", () => {
  it("rejects an unknown section before running anything or writing results", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bench-"));
    try {
      const out = join(dir, "results.json");
      const error = await runBench({ only: ["nope"], out, write: () => {}, progress: () => {} }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(/unknown bench section 'nope'; known: triage/);
      await expect(readFile(out, "utf8")).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
