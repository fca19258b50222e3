import { parseArgs } from "node:util";
import { errorMessage } from "../errors.js";
import { collectSnapshot } from "../k8s/collect.js";
import { createClusterReader } from "../k8s/kube-reader.js";
import { renderText, shouldColor } from "../report/index.js";
import { isMutating, startSimCluster } from "../sim/index.js";
import { triage } from "../triage/index.js";

/** The built-in scenarios the demo walks through, and the namespace each incident lives in. */
const DEMO = [
  {
    scenario: "prod-api-outage",
    namespace: "prod-api",
    story: "a production API namespace with five broken services",
  },
  { scenario: "a-team-missing-pvc", namespace: "a-team", story: "a database that cannot start" },
] as const;

const USAGE = `usage: k8s-triage demo

Starts the simulated cluster in process on each built-in scenario, triages it through the real
read-only client (reader identity), and prints the report. Offline; no Slack, no Claude.`;

/** `k8s-triage demo`: the offline walkthrough. */
export async function run(args: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
  } catch (error) {
    console.error(`k8s-triage demo: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  const color = shouldColor();
  for (const { scenario, namespace, story } of DEMO) {
    const started = performance.now();
    const sim = await startSimCluster({ scenario, port: 0 });
    const reader = createClusterReader(sim.kubeConfig("reader"));
    try {
      console.log(`\n=== scenario ${scenario}: ${story} (simulated cluster at ${sim.url}) ===\n`);
      console.log(`$ k8s-triage triage ${namespace}\n`);
      const snapshot = await collectSnapshot(
        reader,
        { namespace },
        { source: { type: "live", server: sim.url }, now: sim.clock.now() },
      );
      const result = triage(snapshot, { namespace });
      result.stats.apiRequests = snapshot.requestCount;
      result.stats.durationMs = Math.round(performance.now() - started);
      process.stdout.write(renderText(result, { color }));
      const writes = sim.requests.filter(isMutating).length;
      const identities = [...new Set(sim.requests.map((request) => request.identity))].join(", ");
      console.log(
        `\nThe simulated API server recorded ${sim.requests.length} requests from ${identities}: ${writes === 0 ? "all reads" : `${writes} WRITES`}.`,
      );
      if (writes > 0) return 1;
    } finally {
      reader.close();
      await sim.close();
    }
  }
  return 0;
}
