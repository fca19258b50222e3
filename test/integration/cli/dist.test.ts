import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { TriageResult } from "../../../src/domain/types.js";
import { builtDist } from "../../support/dist.js";
import { ROOT } from "./run-cli.js";

const exec = promisify(execFile);
let dist: string;

/** Runs `node <dist>/cli.js …` with plain Node: no tsx, no loader, as the image's ENTRYPOINT does. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [join(dist, "cli.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "warn", NO_COLOR: "1", ANTHROPIC_API_KEY: "" },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function jsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsFiles(path)));
    else if (entry.name.endsWith(".js")) out.push(path);
  }
  return out;
}

beforeAll(async () => {
  dist = await builtDist();
}, 300_000);

describe("the CLI built into dist/ (as the Docker image runs it)", () => {
  it("lists every command and prints each command's usage", async () => {
    const top = await cli(["--help"]);
    expect(top.code).toBe(0);
    const names = [...top.stdout.matchAll(/^ {2}(\w+) /gm)].map((match) => match[1] ?? "");
    expect(names).toEqual(["triage", "sim", "serve", "worker", "watcher", "demo", "bench", "mcp", "eval"]);
    const helps = await Promise.all(names.map((name) => cli([name, "--help"])));
    names.forEach((name, i) => {
      const help = helps[i] as Awaited<ReturnType<typeof cli>>;
      expect(help.code, `${name} --help: ${help.stderr}`).toBe(0);
      expect(help.stdout).toContain(`usage: k8s-triage ${name}`);
    });
  }, 180_000);

  it("triages a built-in scenario file (scenarios are copied next to the compiled code)", async () => {
    const run = await cli([
      "triage",
      "a-team",
      "-f",
      join(dist, "sim", "scenarios", "a-team-missing-pvc.yaml"),
      "-o",
      "json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as TriageResult;
    expect(result.rootCauses.map((cause) => cause.category)).toContain("missing-pvc");
  });

  it("runs the Claude loop in replay mode (the prompts are found in dist/)", async () => {
    const run = await cli(["eval", "a-team-missing-pvc"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/1\/1 matched/);
  });

  it("forks the bench's compiled child processes with plain Node", async () => {
    const { forkSibling } = (await import(pathToFileURL(join(dist, "bench", "fork.js")).href)) as {
      forkSibling: typeof import("../../../src/bench/fork.js").forkSibling;
    };
    const child = forkSibling(pathToFileURL(join(dist, "bench", "triage.js")).href, "./sim-child", ["20"]);
    const message = await new Promise<{ url: string }>((resolve, reject) => {
      child.once("message", (value) => resolve(value as { url: string }));
      child.once("exit", (code) => reject(new Error(`sim-child exited with ${code}`)));
    });
    expect(message.url).toMatch(/^https?:\/\/127\.0\.0\.1:\d+/);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.disconnect();
    await exited;
  });

  it("imports only production dependencies and Node built-ins (the image omits dev dependencies)", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const used = new Map<string, string>();
    for (const file of await jsFiles(dist)) {
      const text = await readFile(file, "utf8");
      const statements =
        /^(?:import|export)\s[^;]*?\bfrom\s+"([^"]+)"|^import\s+"([^"]+)"|\bimport\("([^"]+)"\)/gm;
      for (const match of text.matchAll(statements)) {
        const raw = match[1] ?? match[2] ?? match[3] ?? "";
        if (raw.startsWith(".")) continue;
        const specifier = raw.replace(/^node:/, "");
        const name = specifier.startsWith("@")
          ? specifier.split("/").slice(0, 2).join("/")
          : (specifier.split("/")[0] ?? "");
        used.set(name, file);
      }
    }
    const strays = [...used]
      .filter(([name]) => !allowed.has(name))
      .map(([name, file]) => `${name} in ${file}`);
    expect(strays).toEqual([]);
    expect([...used.keys()]).toContain("@slack/bolt");
  });
});
