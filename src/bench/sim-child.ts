import { startSimCluster } from "../sim/index.js";
import { syntheticCluster } from "./synthetic.js";

/**
 * Serves a synthetic cluster from a child process, so the benchmark's client (collection and
 * triage) has its own event loop, heap and core, as it would against a real API server. Sends
 * `{ url, kubeconfig }` (the reader identity, serialised) to the parent over IPC and serves until
 * the parent disconnects.
 */
const pods = Number(process.argv[2] ?? "1000");
const cluster = syntheticCluster(pods);
const sim = await startSimCluster({
  state: {
    objects: cluster.objects,
    logs: cluster.logs,
    readyz: cluster.readyz,
    clock: cluster.clock,
    warnings: [],
  },
  port: 0,
});
const counts: Record<string, number> = {};
for (const object of cluster.objects) counts[object.kind ?? "?"] = (counts[object.kind ?? "?"] ?? 0) + 1;
process.send?.({
  url: sim.url,
  kubeconfig: sim.kubeConfig("reader").exportConfig(),
  counts,
  clock: sim.clock.now(),
});
process.on("disconnect", () => {
  void sim.close().then(() => process.exit(0));
});
