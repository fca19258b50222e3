import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { runKubeTool } from "../../src/dev/kube-tools.js";

/** The chart's directory. */
export const CHART = join(import.meta.dirname, "..", "..", "helm", "k8s-triage-bot");

/** A rendered Kubernetes object (only the fields tests read are typed). */
export interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Renders the chart with real Helm (`helm template`) and the given values; returns the objects. */
export async function renderChart(
  values: Record<string, unknown>,
  options: { release?: string; namespace?: string; extraArgs?: string[] } = {},
): Promise<Rendered[]> {
  const dir = await mkdtemp(join(tmpdir(), "chart-values-"));
  try {
    const file = join(dir, "values.json");
    await writeFile(file, JSON.stringify(values));
    const out = await runKubeTool("helm", [
      "template",
      options.release ?? "triage",
      CHART,
      "--namespace",
      options.namespace ?? "triage",
      "-f",
      file,
      ...(options.extraArgs ?? []),
    ]);
    return parseAllDocuments(out)
      .map((doc) => doc.toJS() as Rendered | null)
      .filter((doc): doc is Rendered => doc !== null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The objects of one kind. */
export function ofKind<T = Rendered>(objects: Rendered[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as unknown as T[];
}
