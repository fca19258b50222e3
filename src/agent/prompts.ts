import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors.js";

/** The prompt files shipped in src/agent/prompts. */
export type PromptName = "system" | "validation" | "follow-up";

const cache = new Map<PromptName, string>();

/**
 * Candidate locations: next to this module (src/ under tsx, or dist/ when the build copies them),
 * then the source tree as seen from dist/src/agent or dist/agent, so a build without copied
 * prompts still finds them.
 */
function candidates(name: PromptName): URL[] {
  const file = `${name}.md`;
  return [
    new URL(`./prompts/${file}`, import.meta.url),
    new URL(`../../src/agent/prompts/${file}`, import.meta.url),
    new URL(`../../../src/agent/prompts/${file}`, import.meta.url),
  ];
}

/** A prompt's text, read once per process. */
export function loadPrompt(name: PromptName): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  for (const url of candidates(name)) {
    try {
      const text = readFileSync(fileURLToPath(url), "utf8").trim();
      cache.set(name, text);
      return text;
    } catch {
      // Try the next location.
    }
  }
  throw new ConfigError(
    "PROMPT_MISSING",
    `prompt ${name}.md not found next to ${fileURLToPath(import.meta.url)}`,
  );
}
