import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Path of a state file under test/fixtures/sim. */
export function simFixturePath(name: string): string {
  return join(import.meta.dirname, "..", "fixtures", "sim", name);
}

/** Text of a state file under test/fixtures/sim. */
export function simFixture(name: string): string {
  return readFileSync(simFixturePath(name), "utf8");
}

/** A state with `count` running pods in namespace `ns` (names pod-00000…), for pagination tests. */
export function manyPodsState(count: number, namespace = "bulk"): string {
  const documents = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`];
  for (let index = 0; index < count; index++) {
    const name = `pod-${String(index).padStart(5, "0")}`;
    documents.push(
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  labels: {app: bulk, parity: ${index % 2 === 0 ? "even" : "odd"}}\nspec:\n  containers: [{name: app, image: "busybox:1.36"}]\nstatus:\n  phase: Running\n`,
    );
  }
  return documents.join("---\n");
}
