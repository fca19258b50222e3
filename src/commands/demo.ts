import { parseArgs } from "node:util";
import { errorMessage } from "../errors.js";

const USAGE = `usage: k8s-triage demo [--quiet] [--json] [--replay-model] [--html FILE]

The whole flow offline, on loopback: a simulated cluster serving the prod-api-outage and
a-team-missing-pvc scenarios, Redis (REDIS_URL when it answers, else a local redis-server), the
real Slack app (Bolt HTTP receiver) talking to a local fake Slack Web API, and a real worker.
It sends a signed /triage prod-api, fires an Alertmanager alert for a-team, clicks Approve on the
create-pvc proposal (first as a user the policy refuses, then as the approver), and waits for
validation. The Slack channels are printed as they fill; a summary of the four phases ends it.

Uses Claude when ANTHROPIC_API_KEY is set (ANTHROPIC_BASE_URL, ANTHROPIC_MODEL), the deterministic
engine otherwise.

  --quiet          print only the summary
  --json           print one JSON document: the engine, the summary and every Slack event
  --replay-model   run the Claude tool-use loop against a local fake Anthropic API that replays
                   the scripted investigator of 'npm run eval' (offline; tokens and cost are counted)
  --html FILE      also write the Slack channels and threads, rendered as Slack shows them, to FILE`;

/** `k8s-triage demo`: the offline end-to-end walkthrough. */
export async function run(args: string[]): Promise<number> {
  let values: { quiet?: boolean; json?: boolean; "replay-model"?: boolean; html?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        quiet: { type: "boolean", short: "q" },
        json: { type: "boolean" },
        "replay-model": { type: "boolean" },
        html: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`k8s-triage demo: ${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // The transcript is the output: the bot's own JSON logs go to stderr from warnings up, unless
  // LOG_LEVEL says otherwise. Set before the modules (and their loggers) load.
  process.env.LOG_LEVEL ??= "warn";
  // Loaded only now: `demo --help` does not start Bolt, BullMQ or the simulated cluster.
  const { runDemo } = await import("../demo/index.js");
  const result = await runDemo({
    quiet: values.quiet === true,
    json: values.json === true,
    replayModel: values["replay-model"] === true,
    ...(values.html ? { html: values.html } : {}),
  });
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ engine: result.engine, summary: result.summary, transcript: result.transcript }, null, 2)}\n`,
    );
  }
  const resolved = result.run.incidents.some((incident) => incident.investigation.status === "resolved");
  return resolved ? 0 : 1;
}
