import type { Investigation } from "../domain/investigation.js";
import { TriageError } from "../errors.js";
import { isMutating } from "../sim/index.js";
import { APPROVE_ACTION_ID } from "../slack/blocks/proposal.js";
import { HOME_CLUSTER } from "./agents.js";
import { DEMO_SLACK, type DemoStack } from "./stack.js";
import type { Transcript } from "./transcript.js";
import { analyzed, buttonValue, parentMessage, threadPosted, until } from "./waits.js";

export { buttonValue } from "./waits.js";

/** When each phase of one incident started and ended (ms since the demo started). */
export interface PhaseTimes {
  detect?: [number, number];
  analyze?: [number, number];
  remediate?: [number, number];
  validate?: [number, number];
}

/** One approval the script clicked, and who was refused before it (when someone was). */
export interface DemoApproval {
  /** The investigation whose card was approved (a namespace can exist in several clusters). */
  investigationId: string;
  namespace: string;
  cluster: string;
  proposalId: string;
  approver: string;
  refusedFirst?: string;
}

/** What the script saw, for the summary. */
export interface DemoRun {
  incidents: {
    namespace: string;
    /** The cluster it was routed to (and investigated on, by that cluster's agent). */
    cluster: string;
    trigger: string;
    investigation: Investigation;
    phases: PhaseTimes;
  }[];
  /** The proposals that were approved and executed, in order. */
  approvals: DemoApproval[];
}

/** An Alertmanager v4 webhook payload for a-team's database, as kube-prometheus would send it. */
function alertPayload(startsAt: string): Record<string, unknown> {
  const labels = {
    alertname: "KubeDeploymentReplicasMismatch",
    // kube-prometheus' external label: which cluster's Prometheus fired (the route follows it).
    cluster: HOME_CLUSTER,
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

/**
 * (a) A signed `/triage prod-api` from Alice in #ops, routed to #ops' default cluster (eu-1);
 * (b) the same namespace on the other cluster, `/triage prod-api --cluster us-1`: each cluster's
 * agent investigates its own prod-api, each in its own thread.
 */
async function slashCommand(
  stack: DemoStack,
  transcript: Transcript,
  cluster: string | undefined,
  parentIndex: number,
): Promise<DemoRun["incidents"][number]> {
  const text = cluster ? `prod-api --cluster ${cluster}` : "prod-api";
  const routedTo = cluster ?? HOME_CLUSTER;
  transcript.step(
    `<@${DEMO_SLACK.approver}> types \`/triage ${text}\` in ${DEMO_SLACK.opsChannel} (a signed slash command to ${stack.serveUrl}/slack/events; ${cluster ? "the cluster it names" : `${DEMO_SLACK.opsChannel}'s default cluster`}: ${routedTo})`,
  );
  const sent = transcript.elapsedMs();
  const response = await stack.slack.command({
    text,
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
  await until("the thread's parent message", async () =>
    parentMessage(stack, DEMO_SLACK.opsChannel, parentIndex),
  );
  const visible = transcript.elapsedMs();
  const investigation = await analyzed(stack, "prod-api", routedTo);
  const analyzedAt = transcript.elapsedMs();
  await threadPosted(stack, investigation);
  return {
    namespace: "prod-api",
    cluster: routedTo,
    trigger: cluster ? `/triage --cluster ${cluster}` : "/triage slash command",
    investigation,
    phases: { detect: [sent, visible], analyze: [visible, analyzedAt] },
  };
}

/**
 * (c) Alertmanager fires for a-team with `cluster: eu-1`: serve posts the alert and routes its
 * investigation by that label to eu-1's agent, in the alert's thread.
 */
async function alert(stack: DemoStack, transcript: Transcript): Promise<DemoRun["incidents"][number]> {
  transcript.step(
    `Alertmanager fires KubeDeploymentReplicasMismatch for a-team/postgres-db with label cluster=${HOME_CLUSTER} (POST ${stack.serveUrl}/alertmanager with the bearer token)`,
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
  const investigation = await analyzed(stack, "a-team", HOME_CLUSTER);
  const analyzedAt = transcript.elapsedMs();
  await threadPosted(stack, investigation);
  return {
    namespace: "a-team",
    cluster: HOME_CLUSTER,
    trigger: "Alertmanager webhook",
    investigation,
    phases: { detect: [sent, visible], analyze: [visible, analyzedAt] },
  };
}

const DONE = new Set(["succeeded", "failed", "refused", "rolled-back"]);

/** Whether the last steps of a fix (its execution reply, the parent's new status) were recorded as posted. */
async function fixReported(
  stack: DemoStack,
  id: string,
  proposalId: string,
): Promise<Investigation | undefined> {
  const current = await stack.store.get(id);
  const record = current?.proposals.find((candidate) => candidate.proposal.id === proposalId);
  if (!current || !record || !DONE.has(record.state)) return undefined;
  if (!(await stack.store.wasNotified(id, `execution:${proposalId}`))) return undefined;
  // The parent's last word: resolved, failed, or back to waiting with this fix counted.
  const step =
    current.status === "resolved"
      ? "status:resolved"
      : current.status === "failed"
        ? "failed"
        : `status:${current.status}:after:${proposalId}`;
  return (await stack.store.wasNotified(id, step)) ? current : undefined;
}

/**
 * Approves the `action` card of an incident's thread — first refused for `bystander` when given —
 * and waits until that cluster's executor applied it (on that cluster only), validation judged it
 * and the thread said so.
 */
async function approve(
  stack: DemoStack,
  transcript: Transcript,
  incident: DemoRun["incidents"][number],
  action: string,
  bystander?: string,
): Promise<DemoApproval> {
  const { namespace, cluster } = incident;
  const record = incident.investigation.proposals.find((candidate) => candidate.proposal.action === action);
  if (!record) {
    throw new TriageError(
      "DEMO_NO_PROPOSAL",
      `demo: the ${cluster}/${namespace} analysis proposed no ${action}`,
    );
  }
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
      `demo: no Approve button for ${action} in the ${cluster}/${namespace} thread`,
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
    `<@${DEMO_SLACK.approver}> (an approver for ${namespace}) clicks [Approve] on ${action} in the ${cluster}/${namespace} thread (only ${cluster}'s executor may run it)`,
  );
  const clicked = transcript.elapsedMs();
  const clickedWall = Date.now();
  const requestsBefore = stack.sim.requests.length;
  await click(DEMO_SLACK.approver);
  const id = incident.investigation.id;
  const final = await until(
    "the validation verdict",
    () => fixReported(stack, id, record.proposal.id),
    60_000,
  );
  // The executor's write (not its dry run) ends execution; validation runs from there.
  const write = stack.sim.requests
    .slice(requestsBefore)
    .find((request) => request.identity === "executor" && isMutating(request) && !request.dryRun);
  const applied = write ? clicked + (Date.parse(write.wallTime) - clickedWall) : clicked;
  incident.investigation = final;
  incident.phases.remediate = [clicked, applied];
  incident.phases.validate = [applied, transcript.elapsedMs()];
  // The agent hands its updates to serve through the notifications queue: wait until the thread
  // shows the verdict and the parent its new status, as a person in the channel would.
  await until(`the verdict in the ${cluster}/${namespace} thread`, async () => {
    const verdict = stack.fake.workspace.messages.some(
      (m) =>
        m.channel === thread.channel &&
        m.threadTs === thread.threadTs &&
        / resolved|failed/.test(m.text) &&
        m.text.includes(action) &&
        buttonValue(m) === undefined &&
        !m.text.includes("approve or deny"),
    );
    const parent = stack.fake.workspace.messages.find(
      (m) => m.channel === thread.channel && m.ts === (thread.statusTs ?? thread.threadTs),
    );
    return verdict && parent && /resolved|failed|root causes? fixed/.test(parent.text) ? true : undefined;
  });
  return {
    investigationId: id,
    namespace,
    cluster,
    proposalId: record.proposal.id,
    approver: DEMO_SLACK.approver,
    ...(bystander ? { refusedFirst: bystander } : {}),
  };
}

/**
 * Runs the acts of the demo against a started stack: /triage prod-api (the channel's default
 * cluster, eu-1), /triage prod-api --cluster us-1, an Alertmanager alert labelled cluster=eu-1 for
 * a-team, a refused then an authorized create-pvc approval there, and Alice approving the
 * analytics-service memory fix in eu-1's prod-api thread.
 */
export async function runDemoScript(stack: DemoStack, transcript: Transcript): Promise<DemoRun> {
  const prodApi = await slashCommand(stack, transcript, undefined, 0);
  const other = stack.clusters.find((cluster) => cluster.name !== HOME_CLUSTER)?.name as string;
  const otherProdApi = await slashCommand(stack, transcript, other, 1);
  const aTeam = await alert(stack, transcript);
  const approvals = [await approve(stack, transcript, aTeam, "create-pvc", DEMO_SLACK.bystander)];
  // Act 5: the analytics-service memory fix in the eu-1 prod-api thread, sized from observed
  // usage — validated, while prod-api's other root causes stay open (the parent counts them).
  approvals.push(await approve(stack, transcript, prodApi, "set-resources"));
  return { incidents: [prodApi, otherProdApi, aTeam], approvals };
}
