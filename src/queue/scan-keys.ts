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

/**
 * Deletes every key matching `pattern` (found by {@link scanKeys}); returns how many. On a Redis
 * Cluster keys of different slots cannot share a DEL, so each goes alone there.
 */
export async function deleteMatching(redis: Redis | Cluster, pattern: string): Promise<number> {
  const found = await scanKeys(redis, pattern, 1000);
  if (redis instanceof Cluster) {
    await Promise.all(found.map((key) => redis.del(key)));
  } else {
    for (let at = 0; at < found.length; at += 1000) await redis.del(...found.slice(at, at + 1000));
  }
  return found.length;
}
