import { errorMessage, TriageError } from "./errors.js";

/**
 * Entry point: `k8s-triage <command> [args]`. Each command lives in src/commands/<name>.ts and
 * exports `run(args: string[]): Promise<number>` (the exit code); they are loaded lazily so
 * `k8s-triage triage` does not pay for Bolt or BullMQ.
 */
type CommandModule = { run(args: string[]): Promise<number> };

const commands: Record<string, { describe: string; load: () => Promise<CommandModule> }> = {
  triage: {
    describe: "triage a namespace (or all) from a live cluster or a cluster-state file",
    load: () => import("./commands/triage.js"),
  },
  sim: {
    describe: "serve a simulated cluster from a scenario or state file",
    load: () => import("./commands/sim.js"),
  },
  serve: {
    describe: "run the Slack app, the Alertmanager webhook, health and metrics",
    load: () => import("./commands/serve.js"),
  },
  worker: {
    describe: "run investigation and remediation workers",
    load: () => import("./commands/worker.js"),
  },
  watcher: {
    describe: "watch Warning events and start investigations",
    load: () => import("./commands/watcher.js"),
  },
  demo: {
    describe: "the offline end-to-end walkthrough on the built-in scenarios",
    load: () => import("./commands/demo.js"),
  },
  bench: {
    describe: "measure triage, pipeline and Slack ack performance",
    load: () => import("./commands/bench.js"),
  },
  mcp: {
    describe: "the read-only investigation tools as an MCP server (stdio, or --http)",
    load: () => import("./commands/mcp.js"),
  },
  eval: {
    describe: "run every built-in scenario through the Claude loop (replay or --live)",
    load: () => import("./commands/eval.js"),
  },
  "redis-acl": {
    describe: "print the Redis ACL rules of an agent (one cluster's keys) or the central user",
    load: () => import("./commands/redis-acl.js"),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(9)} ${command.describe}`);
  return `usage: k8s-triage <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun 'k8s-triage <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`k8s-triage: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = error instanceof TriageError ? ` [${error.code}]` : "";
    console.error(`k8s-triage: ${errorMessage(error)}${code}`);
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  },
);
