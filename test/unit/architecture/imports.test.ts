import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The house rule "no import cycles, and no import that runs upward", read from the source as the
 * compiler reads it (static, dynamic and type-only imports alike). Each row may import only from
 * rows above it; two folders of one row never import each other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts", "log.ts"],
  ["domain"],
  ["config", "metrics", "charts", "changes", "report", "health"],
  ["triage", "sim"],
  ["k8s"],
  ["prometheus", "remediation"],
  ["agent"],
  ["queue"],
  ["cluster", "slack"],
  ["detect"],
  ["server", "roles", "mcp", "dev"],
  ["eval", "transcript-html", "deploy"],
  ["bench", "demo"],
  ["commands"],
  ["cli.ts"],
];

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports of `file`, resolved to source paths under src/. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => normalize(join(dirname(file), spec)).replace(/\.js$/, ".ts"));
}

/** The layer unit a file belongs to: its top folder under src/, or the file itself at the root. */
function unitOf(file: string): string {
  return relative(SRC, file).split("/")[0] as string;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const rank = new Map(LAYERS.flatMap((row, index) => row.map((unit) => [unit, index] as const)));

describe("source layering", () => {
  it("places every folder of src/ in a layer", () => {
    const units = new Set(files.map(unitOf));
    expect([...units].filter((unit) => !rank.has(unit)).sort()).toEqual([]);
  });

  it("resolves every relative import to a file that exists", () => {
    const known = new Set(files);
    const broken = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => !known.has(target) && !target.endsWith(".json"))
        .map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`),
    );
    expect(broken).toEqual([]);
  });

  it("never imports upward or sideways between folders", () => {
    const wrong = [...graph].flatMap(([file, targets]) => {
      const from = unitOf(file);
      return targets
        .filter((target) => {
          const to = unitOf(target);
          if (to === from) return false;
          return (rank.get(to) ?? Number.POSITIVE_INFINITY) >= (rank.get(from) ?? -1);
        })
        .map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`);
    });
    expect(wrong).toEqual([]);
  });

  it("has no import cycle between files", () => {
    // Tarjan's strongly connected components: any component of two or more files is a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let counter = 0;
    const visit = (file: string): void => {
      index.set(file, counter);
      low.set(file, counter);
      counter++;
      stack.push(file);
      onStack.add(file);
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (!index.has(next)) {
          visit(next);
          low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
        } else if (onStack.has(next)) {
          low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
        }
      }
      if (low.get(file) !== index.get(file)) return;
      const component: string[] = [];
      for (;;) {
        const member = stack.pop() as string;
        onStack.delete(member);
        component.push(relative(SRC, member));
        if (member === file) break;
      }
      if (component.length > 1) cycles.push(component.sort());
    };
    for (const file of graph.keys()) if (!index.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
