import { writeFile } from "node:fs/promises";
import { KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import type { Identity } from "./identities.js";

/**
 * Kubeconfigs for the simulated cluster: one cluster, one user (bearer token) and one context
 * per identity, named `sim-<identity>`.
 */

/** Context name of an identity. */
export function contextName(identity: Pick<Identity, "name">): string {
  return `sim-${identity.name}`;
}

/** A client-node KubeConfig whose current context is `identity`. */
export function kubeConfigFor(
  server: string,
  identities: Identity[],
  identity: Identity,
  caPem?: string,
): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: "sim",
        server,
        // client-node 1.4 refuses plain http unless skipTLSVerify is set; there is no TLS to verify then.
        skipTLSVerify: !caPem,
        ...(caPem ? { caData: Buffer.from(caPem).toString("base64") } : {}),
      },
    ],
    users: identities.map((entry) => ({ name: entry.name, token: entry.token })),
    contexts: identities.map((entry) => ({ name: contextName(entry), cluster: "sim", user: entry.name })),
    currentContext: contextName(identity),
  });
  return config;
}

/** Kubeconfig YAML (as kubectl reads it) with a context per identity. */
export function kubeconfigYaml(
  server: string,
  identities: Identity[],
  current: Identity,
  caPem?: string,
): string {
  const cluster: Record<string, string> = { server };
  if (caPem) cluster["certificate-authority-data"] = Buffer.from(caPem).toString("base64");
  // Plain http: client-node needs the flag to accept the URL (kubectl sends no token over http).
  const clusterEntry: Record<string, unknown> = caPem
    ? cluster
    : { ...cluster, "insecure-skip-tls-verify": true };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [{ name: "sim", cluster: clusterEntry }],
    users: identities.map((identity) => ({ name: identity.name, user: { token: identity.token } })),
    contexts: identities.map((identity) => ({
      name: contextName(identity),
      context: { cluster: "sim", user: identity.name, namespace: "default" },
    })),
    "current-context": contextName(current),
  });
}

/** Writes the kubeconfig (mode 0600: it holds tokens). */
export async function writeKubeconfigFile(
  path: string,
  server: string,
  identities: Identity[],
  current: Identity,
  caPem?: string,
): Promise<void> {
  await writeFile(path, kubeconfigYaml(server, identities, current, caPem), { mode: 0o600 });
}
