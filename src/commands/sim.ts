import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { errorMessage, InputError } from "../errors.js";
import { log } from "../log.js";
import { type ClockMode, driveClock, parseClockMode, startSimCluster } from "../sim/index.js";
import { listScenarios } from "../sim/scenarios/index.js";

const USAGE = `usage: k8s-triage sim (--scenario NAME | --state FILE) [--port N] [--kubeconfig PATH] [--history N] [--no-model] [--clock MODE]

Serves a simulated Kubernetes cluster on https://127.0.0.1 and writes a kubeconfig for it with the
contexts sim-admin (current), sim-reader and sim-executor. Runs until interrupted.

  --scenario NAME     a built-in scenario (see the list with --scenario '')
  --state FILE        a cluster-state file (YAML stream of objects, PodLog, APIServerHealth, Clock)
  --port N            port to listen on (default: a free one)
  --kubeconfig PATH   where to write the kubeconfig (default: <tmp>/k8s-triage-sim-<port>.kubeconfig)
  --history N         changes kept for watch resumption (default 1000)
  --no-model          serve the state exactly as given: no simulated kubelet/scheduler/controllers
                      (the model runs by default here, also for --state: a served cluster is meant
                      to change when written to; 'triage --from-file' is the as-recorded reader)
  --clock MODE        realtime (default): simulated time follows wall time; xN (e.g. x10): N times
                      faster; frozen: time moves only on POST /sim/advance`;

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      scenario: { type: "string" },
      state: { type: "string" },
      port: { type: "string" },
      kubeconfig: { type: "string" },
      history: { type: "string" },
      "no-model": { type: "boolean" },
      clock: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
}

function positiveInt(value: string | undefined, flag: string, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < (allowZero ? 0 : 1) || number > 65535 * 1000) {
    throw new InputError(
      "SIM_BAD_FLAG",
      `${flag} must be a ${allowZero ? "non-negative" : "positive"} integer, got '${value}'`,
    );
  }
  return number;
}

/** `k8s-triage sim`: serve a simulated cluster until SIGINT/SIGTERM. */
export async function run(args: string[]): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(args);
  } catch (error) {
    console.error(`k8s-triage sim: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.scenario && !values.state) {
    console.error(`k8s-triage sim: give --scenario NAME or --state FILE\n\n${USAGE}`);
    return 2;
  }
  if (values.scenario !== undefined && !values.state && !listScenarios().includes(values.scenario)) {
    const known = listScenarios();
    console.error(
      `k8s-triage sim: unknown scenario '${values.scenario}'. Available scenarios:\n${known.map((name) => `  ${name}`).join("\n") || "  (none)"}`,
    );
    return 2;
  }
  const clockMode: ClockMode | undefined = parseClockMode(values.clock ?? "realtime");
  if (!clockMode) {
    console.error(`k8s-triage sim: --clock must be realtime, frozen or xN (e.g. x10), got '${values.clock}'`);
    return 2;
  }
  let port: number | undefined;
  let historyLimit: number | undefined;
  try {
    port = positiveInt(values.port, "--port", true);
    historyLimit = positiveInt(values.history, "--history", false);
  } catch (error) {
    console.error(`k8s-triage sim: ${errorMessage(error)}`);
    return 2;
  }

  const sim = await startSimCluster({
    tls: true,
    ...(values["no-model"] ? { reconciler: null } : {}),
    ...(values.state ? { state: values.state } : { scenario: values.scenario! }),
    ...(port !== undefined ? { port } : {}),
    ...(historyLimit !== undefined ? { historyLimit } : {}),
  });
  for (const warning of sim.warnings) console.error(`warning: ${warning}`);
  let kubeconfig = values.kubeconfig;
  if (!kubeconfig) {
    const folder = tmpdir();
    mkdirSync(folder, { recursive: true });
    kubeconfig = join(folder, `k8s-triage-sim-${sim.port}.kubeconfig`);
  }
  await sim.writeKubeconfig(kubeconfig);
  console.log(`simulated cluster listening on ${sim.url}`);
  console.log(`kubeconfig: ${kubeconfig} (contexts: sim-admin [current], sim-reader, sim-executor)`);
  console.log(`try: kubectl --kubeconfig ${kubeconfig} get pods -A`);
  console.log(
    `simulated time: ${sim.clock.now()} (${clockMode.kind === "frozen" ? "frozen" : `running at ${clockMode.factor}x wall time`}; advance: POST ${sim.url}/sim/advance?seconds=N as admin)`,
  );
  const stopClock =
    clockMode.kind === "realtime"
      ? driveClock(
          {
            advance: (ms) => {
              try {
                sim.clock.advance(ms);
              } catch (error) {
                log.error("simulated cluster model failed", { error: errorMessage(error) });
              }
            },
          },
          clockMode.factor,
        )
      : () => {};

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  stopClock();
  await sim.close();
  console.log("simulated cluster stopped");
  return 0;
}
