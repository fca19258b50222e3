import { TriageError } from "../errors.js";

/** `k8s-triage worker`: placeholder until its issue lands (owned by the helper building it). */
export async function run(_args: string[]): Promise<number> {
  throw new TriageError("COMMAND_PENDING", "the 'worker' command is being built in this session");
}
