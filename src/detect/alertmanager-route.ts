import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import { anyGlob } from "../config/glob.js";
import type { Policy } from "../config/policy.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import { type AlertMessage, alertMessage } from "./alert-blocks.js";
import type { AlertGroupOutcome, AlertQueue } from "./alert-queue.js";
import { type AlertGroup, alertmanagerPayloadSchema, groupAlerts } from "./alertmanager.js";
import { routeFor } from "./event-filter.js";
import type { SubmitTrigger } from "./event-watcher.js";

/** Posts and updates the alert's parent message (the Slack poster implements it). */
export interface AlertPoster {
  post(channel: string, message: AlertMessage): Promise<{ ts: string }>;
  update(channel: string, ts: string, message: AlertMessage): Promise<void>;
}

/** What posting a queued alert group needs (the alert-group worker). */
export interface AlertGroupDeps {
  policy: Policy;
  redis: Redis;
  prefix?: string;
  poster: AlertPoster;
  submit: SubmitTrigger;
  /**
   * Many clusters: the group's cluster (its label, else by namespace) and the policy as that
   * cluster sees it, or why it cannot be investigated (unknown cluster, agent offline). Absent:
   * one cluster, `policy` as is.
   */
  resolveCluster?(
    group: AlertGroup,
  ): Promise<{ ok: true; cluster: string; policy: Policy } | { ok: false; problem: string }>;
  /** Replies in the alert's thread (why it was not investigated). */
  reply?(channel: string, threadTs: string, text: string): Promise<void>;
}

/** What the webhook itself needs: it only validates and queues. */
export interface AlertmanagerDeps {
  /** ALERTMANAGER_WEBHOOK_TOKEN; without it the endpoint refuses everything. */
  token: string | undefined;
  /** Durable record of the delivery's groups (resolves once Redis holds them). */
  queue: Pick<AlertQueue, "record">;
  log: Logger;
  now?: () => Date;
  /** Largest accepted body (default {@link MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
  /** The label naming an alert's cluster (ALERTMANAGER_CLUSTER_LABEL, default `cluster`). */
  clusterLabel?: string;
}

export interface WebhookResult {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Largest accepted delivery. Measured: 1,000 alerts with kube-prometheus-style labels and
 * annotations are 1.3–2 MiB (see src/dev/alert-storm.ts); Alertmanager groups are not truncated
 * by default (max_alerts 0), so leave room for several times that.
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Beyond the limit the rest of the body is read and dropped up to here, so the 413 arrives. */
const DRAIN_LIMIT_BYTES = 8 * MAX_BODY_BYTES;
const MESSAGE_TTL_SECONDS = 7 * 24 * 3600;

function tokenMatches(expected: string, authorization: string | undefined): boolean {
  const given = authorization?.startsWith("Bearer ") ? authorization.slice(7) : "";
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface StoredMessage {
  channel: string;
  ts: string;
}

/**
 * Posts (or updates) one group's alert message and starts or joins its investigation. Runs in the
 * alert-group worker, after the webhook has answered.
 */
export async function handleAlertGroup(
  deps: AlertGroupDeps,
  group: AlertGroup,
  at: Date,
): Promise<AlertGroupOutcome> {
  const recordKey = `${deps.prefix ?? "k8s-triage"}:alertmanager:${group.key}`;
  const existingRaw = await deps.redis.get(recordKey);
  const existing = existingRaw ? (JSON.parse(existingRaw) as StoredMessage) : undefined;
  const message = alertMessage(group, at.toISOString());
  if (group.status === "resolved") {
    if (!existing)
      return { key: group.key, outcome: "resolved alert with no earlier message: nothing to update" };
    await deps.poster.update(existing.channel, existing.ts, message);
    return { key: group.key, outcome: "message updated: resolved" };
  }
  const resolved = deps.resolveCluster ? await deps.resolveCluster(group) : undefined;
  const policy = resolved?.ok ? resolved.policy : deps.policy;
  if (!anyGlob(policy.namespaces, group.namespace)) {
    return {
      key: group.key,
      outcome: `namespace ${group.namespace} is outside the policy's namespaces: skipped`,
    };
  }
  const channel = routeFor(policy, group.namespace)?.channel ?? policy.incidentChannels[0];
  if (!channel)
    return { key: group.key, outcome: `no route or incident channel for ${group.namespace}: skipped` };

  let thread = existing;
  if (thread) {
    await deps.poster.update(thread.channel, thread.ts, message);
  } else {
    // Claim the group first so two concurrent deliveries post one message.
    const claimed = await deps.redis.set(
      recordKey,
      JSON.stringify({ channel, ts: "" }),
      "EX",
      MESSAGE_TTL_SECONDS,
      "NX",
    );
    if (claimed !== "OK")
      return { key: group.key, outcome: "another delivery of this group is being handled" };
    try {
      const posted = await deps.poster.post(channel, message);
      thread = { channel, ts: posted.ts };
      await deps.redis.set(recordKey, JSON.stringify(thread), "EX", MESSAGE_TTL_SECONDS);
    } catch (error) {
      await deps.redis.del(recordKey);
      throw error;
    }
  }
  if (resolved && !resolved.ok) {
    // The alert is shown, and why nothing investigates it: never enqueued where no agent looks.
    if (!existing) await deps.reply?.(thread.channel, thread.ts, resolved.problem);
    return { key: group.key, outcome: `not investigated: ${resolved.problem}` };
  }
  const firstStart = group.alerts.map((alert) => alert.startsAt).sort()[0] ?? at.toISOString();
  const firing = group.alerts.find((alert) => alert.status === "firing");
  const { investigation, joined } = await deps.submit({
    source: "alertmanager",
    namespace: group.namespace,
    ...(resolved?.ok ? { cluster: resolved.cluster } : group.cluster ? { cluster: group.cluster } : {}),
    ...(group.workload ? { target: group.workload } : {}),
    text: `${group.alertnames.join(", ")}: ${group.summary}`.trim(),
    slack: { channel: thread.channel, threadTs: thread.ts },
    dedupKey: `alertmanager:${group.key}:${firstStart}`,
    receivedAt: at.toISOString(),
    signal: {
      type: "Warning",
      ...(firing?.labels.alertname ? { alertname: firing.labels.alertname } : {}),
      ...(group.summary ? { message: group.summary } : {}),
    },
  });
  return {
    key: group.key,
    outcome: joined ? "joined running investigation" : "investigating",
    investigationId: investigation.id,
  };
}

/**
 * Handles one webhook delivery: bearer token, JSON, schema, then queues every group durably and
 * answers 202; the alert-group worker posts and investigates afterwards. Nothing is queued unless
 * the whole payload is valid; errors name the problem so an Alertmanager operator can fix it.
 */
export async function handleAlertmanagerWebhook(
  deps: AlertmanagerDeps,
  request: { authorization: string | undefined; body: string },
): Promise<WebhookResult> {
  if (!deps.token)
    return { status: 503, body: { error: "ALERTMANAGER_WEBHOOK_TOKEN is not configured on the bot" } };
  if (!tokenMatches(deps.token, request.authorization)) {
    return { status: 401, body: { error: "missing or wrong bearer token" } };
  }
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch (error) {
    return { status: 400, body: { error: `body is not valid JSON: ${errorMessage(error)}` } };
  }
  const parsed = alertmanagerPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    return { status: 400, body: { error: "not an Alertmanager v4 webhook payload", problems } };
  }
  const { groups, skipped } = groupAlerts(
    parsed.data,
    deps.clusterLabel ? { clusterLabel: deps.clusterLabel } : {},
  );
  const at = deps.now?.() ?? new Date();
  const jobIds = groups.length > 0 ? await deps.queue.record(groups, at) : [];
  deps.log.info("alertmanager webhook queued", {
    groupKey: parsed.data.groupKey,
    alerts: parsed.data.alerts.length,
    groups: groups.length,
    skipped: skipped.length,
  });
  return {
    status: 202,
    body: {
      groups: groups.map((group, index) => ({
        key: group.key,
        namespace: group.namespace,
        ...(group.cluster ? { cluster: group.cluster } : {}),
        ...(group.workload ? { workload: group.workload } : {}),
        status: group.status,
        alerts: group.alerts.length,
        outcome: "queued",
        job: jobIds[index],
      })),
      skipped,
    },
  };
}

/** Thrown when a body is over the limit (after the rest of it was read and dropped). */
class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let tooLarge = false;
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep reading (and dropping) so the client gets the 413 instead of a reset while it
        // is still sending; past the drain limit give up on the connection.
        tooLarge = true;
        chunks.length = 0;
        if (size > DRAIN_LIMIT_BYTES) request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () =>
      tooLarge ? reject(new BodyTooLarge(limit)) : resolve(Buffer.concat(chunks).toString("utf8")),
    );
    request.on("error", reject);
  });
}

const MIB = 1024 * 1024;

/** Node HTTP handler for `POST /alertmanager` (mounted as a custom route on the serve process). */
export function alertmanagerRoute(
  deps: AlertmanagerDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  return (req, res) => {
    const reply = (result: WebhookResult, close = false) => {
      res.writeHead(result.status, {
        "content-type": "application/json",
        ...(close ? { connection: "close" } : {}),
      });
      res.end(`${JSON.stringify(result.body)}\n`);
    };
    if (req.method !== "POST") return reply({ status: 405, body: { error: "use POST" } });
    const declared = Number(req.headers["content-length"] ?? 0);
    const refuseSize = () => {
      deps.log.warn("alertmanager webhook too large", { contentLength: declared || undefined, limit });
      reply(
        {
          status: 413,
          body: {
            error: `payload larger than the ${(limit / MIB).toFixed(0)} MiB limit; lower max_alerts in the webhook_config or split the route's group_by`,
          },
        },
        true,
      );
    };
    if (declared > DRAIN_LIMIT_BYTES) {
      req.resume();
      return refuseSize();
    }
    readBody(req, limit)
      .then((body) => handleAlertmanagerWebhook(deps, { authorization: req.headers.authorization, body }))
      .then(
        (result) => reply(result),
        (error: unknown) => {
          if (error instanceof BodyTooLarge) return refuseSize();
          deps.log.error("alertmanager webhook failed", { error: errorMessage(error) });
          // 503 makes Alertmanager retry the delivery later instead of dropping the alert.
          reply({ status: 503, body: { error: `could not record the alert now: ${errorMessage(error)}` } });
        },
      );
  };
}
