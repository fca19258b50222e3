import type { SimCluster } from "../../src/sim/index.js";

/**
 * Changes a simulated cluster as its admin would (kubectl create/delete), over its real REST API,
 * for tests that need the cluster to break while a watcher or agent is running.
 */

/** A Deployment whose pods can never start: its Secret does not exist. */
export function brokenDeployment(name: string, replicas = 1): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "prod-api" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "app",
              image: "ghcr.io/acme/app:1.0.0",
              env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: `${name}-secret`, key: "token" } } }],
            },
          ],
        },
      },
    },
  };
}

/** Sends one request as the cluster's admin; throws with the API's answer when it is refused. */
export async function admin(target: SimCluster, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${target.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.tokens.admin}`, "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}
