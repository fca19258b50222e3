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

/** Options of one raw request made with `simCaller`. */
export interface CallOptions {
  method?: string;
  /** Bearer token; default the admin's, null for none. */
  token?: string | null;
  accept?: string;
  body?: unknown;
  contentType?: string;
}

/** A raw HTTP caller for a simulated cluster, for what typed clients hide (media types, codes, bodies). */
export function simCaller(cluster: () => { url: string; tokens: { admin: string } }) {
  return async (path: string, init: CallOptions = {}) => {
    const sim = cluster();
    const headers: Record<string, string> = {};
    const token = init.token === undefined ? sim.tokens.admin : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.accept) headers.accept = init.accept;
    if (init.body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
    const response = await fetch(`${sim.url}${path}`, {
      method: init.method ?? "GET",
      headers,
      ...(init.body !== undefined
        ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }
        : {}),
    });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      text,
      json: json ?? {},
      type: response.headers.get("content-type") ?? "",
    };
  };
}
