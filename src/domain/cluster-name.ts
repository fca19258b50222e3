/* Cluster names are plain data every layer shares (Slack parses them, queues scope by them). */

/** The cluster of an all-in-one install, when none is configured. */
export const DEFAULT_CLUSTER = "default";

/**
 * Cluster names: a DNS label (what kubeconfig contexts and cloud cluster names usually are), so a
 * name can never contain the `:` separator or a glob character and escape its ACL pattern.
 */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
