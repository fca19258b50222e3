import { KubeConfig } from "@kubernetes/client-node";
import { errorMessage, InputError } from "../errors.js";

/** Where to find cluster credentials. Both optional: the defaults follow kubectl. */
export interface KubeConfigOptions {
  /** Path of a kubeconfig file; else KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  kubeconfig?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
}

/**
 * Loads a kubeconfig the way kubectl does (explicit file, KUBECONFIG, ~/.kube/config, then
 * in-cluster) and selects a context. An unknown context is an InputError that lists the known ones.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    const where = options.kubeconfig ?? process.env.KUBECONFIG ?? "the default kubeconfig";
    throw new InputError("KUBECONFIG_INVALID", `cannot load ${where}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  if (options.context) {
    const names = kc.getContexts().map((context) => context.name);
    if (!names.includes(options.context)) {
      const known = names.length > 0 ? names.join(", ") : "(none)";
      throw new InputError(
        "UNKNOWN_CONTEXT",
        `context '${options.context}' not found in kubeconfig; known contexts: ${known}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new InputError(
      "NO_CLUSTER",
      "no cluster configured: pass --kubeconfig or --context, set KUBECONFIG, or run in a cluster",
    );
  }
  return kc;
}
