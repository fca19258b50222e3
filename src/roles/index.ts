/**
 * Composition roots of the process roles: what a worker (or cluster agent) runs with, wiring the
 * queue pipeline to the cluster reader, Claude, the executor and Slack. Kept out of `queue/` so
 * the pipeline never imports the Slack adapter it is wired to.
 */
export * from "./pipeline-deps.js";
