import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Forks a helper module that sits next to `from` (an `import.meta.url`), by its base name
 * (`"./sim-child"`). From the TypeScript source the `.ts` file runs under tsx (a dev dependency);
 * from the built `dist/` the compiled `.js` runs under plain Node, so the production image, which
 * has no tsx, can run every command.
 */
export function forkSibling(from: string, base: string, args: string[]): ChildProcess {
  const compiled = from.endsWith(".js");
  const script = fileURLToPath(new URL(`${base}${compiled ? ".js" : ".ts"}`, from));
  return fork(script, args, {
    execArgv: compiled ? [] : ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}
