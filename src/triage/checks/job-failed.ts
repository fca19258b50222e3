import type { Job } from "../../domain/kube.js";
import type { TriageContext } from "../context.js";
import { type Finding, groupBy, kubectl, makeFinding } from "../finding.js";
import { containerErrorQuotes } from "../logs.js";
import { refKey } from "../owners.js";
import { quoteContainer } from "../pod-view.js";
import { label } from "./common.js";

function failedCondition(job: Job) {
  return job.status?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
}

function succeeded(job: Job): boolean {
  return job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") === true;
}

function startedMs(job: Job): number {
  const t = Date.parse(job.status?.startTime ?? job.metadata.creationTimestamp ?? "");
  return Number.isNaN(t) ? 0 : t;
}

/**
 * job-failed: Jobs that gave up (BackoffLimitExceeded, DeadlineExceeded). A CronJob's failed run
 * is history once a later run of it succeeded; one cause per CronJob, not per run.
 */
export function checkJobFailed(ctx: TriageContext): Finding[] {
  const failed: { job: Job; workload: ReturnType<TriageContext["owners"]["resolve"]> }[] = [];
  const latestSuccess = new Map<string, number>();
  for (const job of ctx.snapshot.jobs) {
    if (!ctx.inScope(job.metadata.namespace)) continue;
    const owner = ctx.owners.resolve("Job", job);
    if (succeeded(job)) {
      const key = refKey(owner.workload);
      latestSuccess.set(key, Math.max(latestSuccess.get(key) ?? 0, startedMs(job)));
    } else if (failedCondition(job)) {
      failed.push({ job, workload: owner });
    }
  }
  const current = failed.filter(
    (f) => startedMs(f.job) > (latestSuccess.get(refKey(f.workload.workload)) ?? -1),
  );
  return [...groupBy(current, (f) => refKey(f.workload.workload)).values()].map((group) => {
    const w = group[0]!.workload.workload;
    const evidence: string[] = [];
    const affected = [];
    for (const { job } of group) {
      const c = failedCondition(job);
      evidence.push(
        `Job ${job.metadata.namespace}/${job.metadata.name} Failed=True ${c?.reason ?? ""}: ${c?.message ?? ""} (failed pods: ${job.status?.failed ?? 0})`,
      );
      affected.push({ kind: "Job", namespace: job.metadata.namespace ?? "", name: job.metadata.name ?? "" });
      const pods = job.metadata.uid ? (ctx.index.podsByControllerUid.get(job.metadata.uid) ?? []) : [];
      for (const pod of pods.slice(-2)) {
        for (const status of pod.status?.containerStatuses ?? []) {
          if (status.state?.terminated && status.state.terminated.exitCode !== 0)
            evidence.push(quoteContainer(pod, status, false));
          evidence.push(...containerErrorQuotes(ctx.logs(pod), status.name, 2));
        }
      }
    }
    const lastJob = group.at(-1)!.job;
    const reason = failedCondition(lastJob)?.reason ?? "Failed";
    const logLine = evidence.find((e) => e.startsWith("log "))?.replace(/^log [^:]+: /, "");
    return makeFinding({
      category: "job-failed",
      resource: w,
      affected,
      evidence,
      confidence: 0.9,
      summary: `${label(w)} failed: Job ${lastJob.metadata.name} ${reason === "DeadlineExceeded" ? "ran past its activeDeadlineSeconds" : "exhausted its retries"} (${reason})${logLine ? `: ${logLine}` : ""}`,
      nextSteps: [
        "Read the failed pod's log for why the run exits non-zero; fix it, then re-run (for a CronJob: kubectl create job --from=cronjob/<name> <name>-manual).",
      ],
      commands: [
        `${kubectl(w.namespace)} describe job ${lastJob.metadata.name}`,
        `${kubectl(w.namespace)} logs job/${lastJob.metadata.name}`,
      ],
    });
  });
}
