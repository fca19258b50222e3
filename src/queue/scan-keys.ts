import { Cluster, type Redis } from "ioredis";

/**
 * Every key matching `pattern`, by SCAN (never KEYS, so a big shared Redis is not blocked). On a
 * Redis Cluster each master holds only its own slots and SCAN sent through the cluster client
 * reaches one node, so every master is scanned in turn; a key seen twice (a failover mid-scan)
 * is yielded once.
 */
export async function scanKeys(redis: Redis | Cluster, pattern: string, count = 500): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes("master") : [redis];
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      cursor = next;
      for (const key of batch) found.add(key);
    } while (cursor !== "0");
  }
  return [...found];
}
