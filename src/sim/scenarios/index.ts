import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../errors.js";

/**
 * The built-in scenarios: the `.yaml` state files in this folder, by file name without extension.
 * (Minimal version; the scenario author owns and extends this module.)
 */
const folder = dirname(fileURLToPath(import.meta.url));

/** Names of the built-in scenarios, sorted. */
export function listScenarios(): string[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .sort();
}

/** Path of a scenario's state file; InputError (SCENARIO_UNKNOWN) listing the known ones otherwise. */
export function scenarioPath(name: string): string {
  const known = listScenarios();
  if (!known.includes(name)) {
    throw new InputError(
      "SCENARIO_UNKNOWN",
      `unknown scenario '${name}'; available: ${known.length > 0 ? known.join(", ") : "(none)"}`,
    );
  }
  return join(folder, `${name}.yaml`);
}
