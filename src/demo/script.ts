import type { FakeMessage } from "../dev/fake-slack.js";
import type { Investigation } from "../domain/investigation.js";
import { TriageError } from "../errors.js";
import { isMutating } from "../sim/index.js";
import { APPROVE_ACTION_ID } from "../slack/blocks/proposal.js";
import { DEMO_SLACK, type DemoStack } from "./stack.js";
import type { Transcript } from "./transcript.js";

/** When each phase of one incident started and ended (ms since the demo started). */
export interface PhaseTimes {
  detect?: [number, number];
  analyze?: [number, number];
  remediate?: [number, number];
  validate?: [number, number];
}

/** One approval the script clicked, and who was refused before it (when someone was). */
export interface DemoApproval {
  namespace: string;
  proposalId: string;
  approver: string;
  refusedFirst?: string;
}

/** What the script saw, for the summary. */
export interface DemoRun {
  incidents: { namespace: string; trigger: string; investigation: Investigation; phases: PhaseTimes }[];
  /** The proposals that were approved and executed, in order. */
  approvals: DemoApproval[];
}

const ANALYSIS_DONE = new Set<Investigation["status"]>(["proposed", "completed", "failed"]);

/** Polls until `probe` returns a value; a DemoError naming what never happened otherwise. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new TriageError("DEMO_STUCK", `demo: gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The newest investigation of a namespace. */
async function investigationOf(stack: DemoStack, namespace: string): Promise<Investigation | undefined> {
  const recent = await stack.serve.producer.store.recent(20);
  return recent.find((candidate) => candidate.trigger.namespace === namespace);
}

/** Waits until the analysis is done and its last update (the final status) was posted. */
async function analyzed(stack: DemoStack, namespace: string): Promise<Investigation> {
  const store = stack.serve.producer.store;
  return until(`the analysis of ${namespace}`, async () => {
    const found = await investigationOf(stack, namespace);
    if (!found || !ANALYSIS_DONE.has(found.status)) return undefined;
    const step = found.status === "failed" ? "failed" : `status:${found.status}`;
    return (await store.wasNotified(found.id, step)) ? found : undefined;
  });
}

/** The first message of a channel the bot posted (the slash command's thread parent). */
function firstMessage(stack: DemoStack, channel: string): FakeMessage | undefined {
  return stack.fake.workspace.messages.find((message) => message.channel === channel && !message.threadTs);
}

/** An Alertmanager v4 webhook payload for a-team's database, as kube-prometheus would send it. */
function alertPayload(startsAt: string): Record<string, unknown> {
  const labels = {
    alertname: "KubeDeploymentReplicasMismatch",
    namespace: "a-team",
    deployment: "postgres-db",
    severity: "warning",
  };
  return {
    version: "4",
    groupKey: '{}:{alertname="KubeDeploymentReplicasMismatch"}',
    status: "firing",
    receiver: "k8s-triage",
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    alerts: [
      {
        status: "firing",
        labels,
        annotations: {
          summary:
            "Deployment a-team/postgres-db has not matched the expected number of replicas for 15 minutes.",
        },
        startsAt,
        fingerprint: "5c1a6f0e2b9d4c3a",
      },
    ],
  };
}

/** (a) A signed `/triage prod-api` from Alice in #ops; the worker investigates, the thread fills. */
async function slashCommand(stack: DemoStack, transcript: Transcript): Promise<DemoRun["incidents"][number]> {
  transcript.step(
    `<@${DEMO_SLACK.approver}> types \`/triage prod-api\` in ${DEMO_SLACK.opsChannel} (a signed slash command to ${stack.serveUrl}/slack/events)`,
  );
  const sent = transcript.elapsedMs();
  const response = await stack.slack.command({
    text: "prod-api",
    user: DEMO_SLACK.approver,
    channel: DEMO_SLACK.opsChannel,
    responseUrl: stack.fake.responseUrl(),
  });
  if (response.status !== 200) {
    throw new TriageError(
      "DEMO_SLACK",
      `the Bolt receiver answered the slash command with ${response.status}`,
    );
  }
  await until("the thread's parent message", async () => firstMessage(stack, DEMO_SLACK.opsChannel));
  const visible = transcript.elapsedMs();
  const investigation = await analyzed(stack, "prod-api");
  return {
    namespace: "prod-api",
    trigger: "/triage slash command",
    investigation,
    phases: { detect: [sent, visible], analyze: [visible, transcript.elapsedMs()] },
  };
}

/** (b) Alertmanager fires for a-team: the serve process posts the alert and investigates in its thread. */
async function alert(stack: DemoStack, transcript: Transcript): Promise<DemoRun["incidents"][number]> {
  transcript.step(
    `Alertmanager fires KubeDeploymentReplicasMismatch for a-team/postgres-db (POST ${stack.serveUrl}/alertmanager with the bearer token)`,
  );
  const sent = transcript.elapsedMs();
  const response = await fetch(`${stack.serveUrl}/alertmanager`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${stack.env.ALERTMANAGER_WEBHOOK_TOKEN}`,
    },
    body: JSON.stringify(alertPayload(stack.sim.clock.now())),
  });
  // 202: the groups are recorded; the serve process posts and investigates right after.
  if (!response.ok) {
    throw new TriageError(
      "DEMO_ALERT",
      `the Alertmanager webhook answered ${response.status}: ${await response.text()}`,
    );
  }
  const visible = transcript.elapsedMs();
  const investigation = await analyzed(stack, "a-team");
  return {
    namespace: "a-team",
    trigger: "Alertmanager webhook",
    investigation,
    phases: { detect: [sent, visible], analyze: [visible, transcript.elapsedMs()] },
  };
}

/** The value of a button (by action_id) on a message, exactly as the app built it. */
export function buttonValue(message: FakeMessage, actionId: string = APPROVE_ACTION_ID): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found || typeof node !== "object" || node === null) return;
    const children = Array.isArray(node) ? node : Object.values(node);
    const record = node as Record<string, unknown>;
    if (record.action_id === actionId && typeof record.value === "string") found = record.value;
    else for (const child of children) visit(child);
  };
  visit(message.blocks);
  return found;
}

/** Whether the last steps of a fix (its execution reply, the parent's new status) were posted. */
async function fixReported(
  stack: DemoStack,
  id: string,
  proposalId: string,
): Promise<Investigation | undefined> {
  const store = stack.serve.producer.store;
  const current = await store.get(id);
  const record = current?.proposals.find((candidate) => candidate.proposal.id === proposalId);
  if (!current || !record || !DONE.has(record.state)) return undefined;
  if (!(await store.wasNotified(id, `execution:${proposalId}`))) return undefined;
  // The parent's last word: resolved, failed, or back to waiting with this fix counted.
  const step =
    current.status === "resolved"
      ? "status:resolved"
      : current.status === "failed"
        ? "failed"
        : `status:${current.status}:after:${proposalId}`;
  return (await store.wasNotified(id, step)) ? current : undefined;
}

const DONE = new Set(["succeeded", "failed", "refused", "rolled-back"]);

/**
 * Approves the `action` card of an incident's thread — first refused for `bystander` when given —
 * and waits until the executor applied it, validation judged it and the thread said so.
 */
async function approve(
  stack: DemoStack,
  transcript: Transcript,
  incident: DemoRun["incidents"][number],
  action: string,
  bystander?: string,
): Promise<DemoApproval> {
  const { namespace } = incident;
  const record = incident.investigation.proposals.find((candidate) => candidate.proposal.action === action);
  if (!record)
    throw new TriageError("DEMO_NO_PROPOSAL", `demo: the ${namespace} analysis proposed no ${action}`);
  const thread = incident.investigation.thread ?? incident.investigation.trigger.slack;
  const message = stack.fake.workspace.messages.find(
    (candidate) =>
      candidate.channel === thread?.channel &&
      candidate.threadTs === thread.threadTs &&
      candidate.text.includes(action) &&
      buttonValue(candidate) !== undefined,
  );
  const value = message && buttonValue(message);
  if (!message || !value || !thread?.threadTs) {
    throw new TriageError(
      "DEMO_NO_BUTTON",
      `demo: no Approve button for ${action} in the ${namespace} thread`,
    );
  }
  const click = (user: string) =>
    stack.slack.action({
      actionId: APPROVE_ACTION_ID,
      value,
      user,
      channel: message.channel,
      messageTs: message.ts,
      threadTs: thread.threadTs as string,
      responseUrl: stack.fake.responseUrl(),
    });
  if (bystander) {
    transcript.step(`<@${bystander}> (not an approver in the policy) clicks [Approve] on ${action}`);
    await click(bystander);
    await until("the refusal", async () =>
      stack.fake.workspace.ephemerals.find((ephemeral) => ephemeral.user === bystander),
    );
  }
  transcript.step(
    `<@${DEMO_SLACK.approver}> (an approver for ${namespace}) clicks [Approve] on ${action} in the ${namespace} thread`,
  );
  const clicked = transcript.elapsedMs();
  const clickedWall = Date.now();
  const writesBefore = stack.sim.requests.length;
  await click(DEMO_SLACK.approver);
  const id = incident.investigation.id;
  const final = await until(
    "the validation verdict",
    () => fixReported(stack, id, record.proposal.id),
    60_000,
  );
  // The executor's write (not its dry run) ends execution; validation runs from there.
  const write = stack.sim.requests
    .slice(writesBefore)
    .find((request) => request.identity === "executor" && isMutating(request) && !request.dryRun);
  const applied = write ? clicked + (Date.parse(write.wallTime) - clickedWall) : clicked;
  incident.investigation = final;
  incident.phases.remediate = [clicked, applied];
  incident.phases.validate = [applied, transcript.elapsedMs()];
  return {
    namespace,
    proposalId: record.proposal.id,
    approver: DEMO_SLACK.approver,
    ...(bystander ? { refusedFirst: bystander } : {}),
  };
}

/**
 * Runs the four acts of the demo against a started stack: /triage prod-api, an Alertmanager alert
 * for a-team, a refused then an authorized create-pvc approval there, and Alice approving the
 * analytics-service memory fix in the prod-api thread — validated, while prod-api's other root
 * causes stay open (the parent says how many are fixed).
 */
export async function runDemoScript(stack: DemoStack, transcript: Transcript): Promise<DemoRun> {
  const prodApi = await slashCommand(stack, transcript);
  const aTeam = await alert(stack, transcript);
  const approvals = [await approve(stack, transcript, aTeam, "create-pvc", DEMO_SLACK.bystander)];
  approvals.push(await approve(stack, transcript, prodApi, "set-resources"));
  return { incidents: [prodApi, aTeam], approvals };
}
