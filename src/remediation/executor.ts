import type { KubeConfig } from "@kubernetes/client-node";
import type { RemediationAction, RemediationProposal } from "../domain/actions.js";
import type { ExecutionOutcome } from "../domain/investigation.js";
import type { KubeObject } from "../domain/kube.js";
import { ClusterError, errorMessage, RemediationRefused, TriageError } from "../errors.js";
import { redactObject } from "../k8s/redact.js";
import { log } from "../log.js";
import { type AuditSink, type Clock, clockIso, type RemediationAuditEntry, systemClock } from "./audit.js";
import { buildRequest, parseAction, riskOf } from "./catalog.js";
import { riskAtMost } from "./gate.js";
import { KubeWriteClient, statusMessage } from "./kube-client.js";
import { detectDrift } from "./preconditions.js";
import { describeRequest, type KubeRequest } from "./request.js";
import { assertShownChange } from "./shown-change.js";
import { CREATED_BY_ANNOTATION, FIELD_MANAGER, objectPath, targetLabel } from "./targets.js";

/**
 * The executor: the only component holding a client that can write to the cluster, with its own
 * identity. Before any write it re-reads the target and refuses on drift, re-checks the risk, and
 * sends the exact request as a server-side dry run; only if all of that passes does it apply.
 */

export interface ExecutorOptions {
  /** The executor's own identity (EXECUTOR_KUBECONFIG, else the main kubeconfig); never the reader's. */
  kubeConfig: KubeConfig;
  fieldManager?: string;
  audit?: AuditSink;
  clock?: Clock;
  timeoutMs?: number;
}

/** Who triggered a run and how. */
export interface ExecutionContext {
  actor: string;
  mode: "manual" | "automatic";
}

/** The only writer to the cluster. */
export interface Executor {
  /** Everything up to the write, sending the request with dryRun=All. */
  dryRun(proposal: RemediationProposal): Promise<{ ok: boolean; message: string }>;
  /** Drift check, dry run, apply; never throws for refusals or API failures (see `status`). */
  execute(proposal: RemediationProposal, ctx: ExecutionContext): Promise<ExecutionOutcome>;
  /**
   * Deletes a PersistentVolumeClaim this bot created (rollback of create-pvc), only while it is
   * the same object (uid), carries our annotation, and no pod in the namespace mounts it.
   */
  removeCreatedClaim(
    target: { namespace: string; name: string; uid: string },
    ctx: ExecutionContext & { proposalId: string },
  ): Promise<ExecutionOutcome>;
}

/** A write ready to send, with the object it was built against. */
interface Prepared {
  action: RemediationAction;
  current: KubeObject | undefined;
  request: KubeRequest;
}

/** An executor holding its own client for `options.kubeConfig` (the executor identity). */
export function createExecutor(options: ExecutorOptions): Executor {
  const client = new KubeWriteClient(
    options.kubeConfig,
    options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
  );
  const fieldManager = options.fieldManager ?? FIELD_MANAGER;
  const clock = options.clock ?? systemClock;
  const logger = log.child({ component: "executor" });

  const audit = async (entry: Omit<RemediationAuditEntry, "at">) => {
    if (!options.audit) return;
    try {
      await options.audit({ at: clockIso(clock), ...entry });
    } catch (error) {
      logger.error("audit write failed", { error, proposalId: entry.proposalId });
    }
  };

  const readTarget = (action: Pick<RemediationAction, "target">) =>
    client.get(objectPath(action.target.kind, action.target.namespace, action.target.name));

  async function prepare(proposal: RemediationProposal): Promise<Prepared> {
    const action = parseAction({ action: proposal.action, target: proposal.target, params: proposal.params });
    const current = await readTarget(action);
    // Compared in redacted form: proposals are built from the redacted read path.
    const drift = detectDrift(
      action,
      proposal.preconditions ?? {},
      current ? redactObject(current) : undefined,
    );
    if (drift.length > 0) {
      throw new RemediationRefused(
        "DRIFT",
        `${targetLabel(action)} changed since the proposal: ${drift.join("; ")}`,
      );
    }
    const risk = riskOf(action, current);
    if (!riskAtMost(risk, proposal.risk)) {
      throw new RemediationRefused(
        "RISK_CHANGED",
        `${proposal.id} is now ${risk} risk, approved as ${proposal.risk}`,
      );
    }
    const replicaSets =
      action.action === "rollback"
        ? await client.list(`/apis/apps/v1/namespaces/${action.target.namespace}/replicasets`)
        : undefined;
    const request = buildRequest(action, current, {
      now: clockIso(clock),
      ...(replicaSets ? { replicaSets } : {}),
    });
    assertShownChange(proposal, current, request);
    return { action, current, request };
  }

  async function dryRunRequest(request: KubeRequest): Promise<void> {
    const response = await client.write(request, { dryRun: true, fieldManager });
    if (response.status < 200 || response.status >= 300) {
      throw new RemediationRefused(
        "DRY_RUN_FAILED",
        `server-side dry run of ${describeRequest(request)} failed: ${statusMessage(response)}`,
      );
    }
  }

  async function apply(
    proposalId: string,
    label: string,
    prepared: { current: KubeObject | undefined; request: KubeRequest },
    ctx: ExecutionContext,
    recheck?: () => Promise<void>,
  ): Promise<ExecutionOutcome> {
    const { request } = prepared;
    const before = prepared.current ? redactObject(prepared.current) : undefined;
    await dryRunRequest(request);
    await audit({
      type: "remediation.dry-run",
      proposalId,
      ...ctx,
      target: label,
      message: "dry run passed",
      request: describeRequest(request),
    });
    await recheck?.();
    const appliedAt = clockIso(clock);
    const response = await client.write(request, { dryRun: false, fieldManager });
    if (response.status < 200 || response.status >= 300) {
      throw new ClusterError(
        "APPLY_FAILED",
        `${describeRequest(request)} failed: ${statusMessage(response)}`,
        {
          status: response.status,
        },
      );
    }
    const after = parseObject(response.body);
    const message = `applied ${describeRequest(request)} to ${label}`;
    const outcome: ExecutionOutcome = {
      status: "succeeded",
      message,
      appliedAt,
      request: describeRequest(request),
      ...(before ? { before } : {}),
      ...(after ? { after: redactObject(after) } : {}),
    };
    await audit({
      type: "remediation.executed",
      proposalId,
      ...ctx,
      target: label,
      message,
      request: describeRequest(request),
      before: outcome.before,
      after: outcome.after,
    });
    return outcome;
  }

  async function guarded(
    proposalId: string,
    label: string,
    ctx: ExecutionContext,
    run: () => Promise<ExecutionOutcome>,
  ): Promise<ExecutionOutcome> {
    try {
      return await run();
    } catch (error) {
      const refused = error instanceof RemediationRefused;
      const code = error instanceof TriageError ? error.code : "UNEXPECTED";
      const message = errorMessage(error);
      logger.warn(refused ? "remediation refused" : "remediation failed", { proposalId, code, message });
      await audit({
        type: refused ? "remediation.refused" : "remediation.failed",
        proposalId,
        ...ctx,
        target: label,
        message,
        code,
      });
      return { status: refused ? "refused" : "failed", message, code };
    }
  }

  return {
    async dryRun(proposal) {
      try {
        const prepared = await prepare(proposal);
        await dryRunRequest(prepared.request);
        return { ok: true, message: `dry run of ${describeRequest(prepared.request)} passed` };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },

    execute(proposal, ctx) {
      const label = `${proposal.target.kind} ${proposal.target.namespace}/${proposal.target.name}`;
      return guarded(proposal.id, label, ctx, async () => {
        const prepared = await prepare(proposal);
        // The dry run is the longest gap between the drift check and the write: look again.
        const recheck = async () => {
          const fresh = await readTarget(prepared.action);
          const version = (object: KubeObject | undefined) => object?.metadata.resourceVersion;
          if (version(fresh) === version(prepared.current)) return;
          const drift = detectDrift(
            prepared.action,
            proposal.preconditions ?? {},
            fresh ? redactObject(fresh) : undefined,
          );
          if (drift.length > 0) {
            throw new RemediationRefused("DRIFT", `${label} changed during the dry run: ${drift.join("; ")}`);
          }
        };
        return apply(proposal.id, label, prepared, ctx, recheck);
      });
    },

    removeCreatedClaim(target, ctx) {
      const label = `PersistentVolumeClaim ${target.namespace}/${target.name}`;
      return guarded(ctx.proposalId, label, ctx, async () => {
        const path = objectPath("PersistentVolumeClaim", target.namespace, target.name);
        const current = await client.get(path);
        if (!current) return { status: "succeeded", message: `${label} is already gone` };
        if (current.metadata.uid !== target.uid) {
          throw new RemediationRefused("DRIFT", `${label} is not the claim the bot created (uid changed)`);
        }
        if (current.metadata.annotations?.[CREATED_BY_ANNOTATION] === undefined) {
          throw new RemediationRefused("NOT_OURS", `${label} was not created by the bot`);
        }
        const pods = await client.list(`/api/v1/namespaces/${target.namespace}/pods`);
        const users = pods.filter((pod) => mountsClaim(pod, target.name)).map((pod) => pod.metadata.name);
        if (users.length > 0) {
          throw new RemediationRefused(
            "CLAIM_IN_USE",
            `${label} is mounted by ${users.join(", ")}; not deleting it`,
          );
        }
        const request: KubeRequest = {
          method: "DELETE",
          path,
          contentType: "application/json",
          body: { apiVersion: "v1", kind: "DeleteOptions", preconditions: { uid: target.uid } },
        };
        return apply(ctx.proposalId, label, { current, request }, { actor: ctx.actor, mode: ctx.mode });
      });
    },
  };
}

function parseObject(body: string): KubeObject | undefined {
  try {
    const parsed = JSON.parse(body) as KubeObject;
    return parsed && typeof parsed === "object" && parsed.metadata ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function mountsClaim(pod: KubeObject, claim: string): boolean {
  const volumes = (pod.spec as { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } | undefined)
    ?.volumes;
  return (volumes ?? []).some((volume) => volume.persistentVolumeClaim?.claimName === claim);
}
