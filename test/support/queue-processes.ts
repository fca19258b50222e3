import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./queue-worker-child.ts", import.meta.url));

/** A running child worker process. */
export interface ChildWorker {
  process: ChildProcess;
  pid: number;
  /** Everything the child wrote to stderr (for failure messages). */
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `queue-worker-child.ts` (or another child script that prints "ready") under tsx and
 * resolves once its workers are running.
 */
export async function startChildWorker(env: Record<string, string>, script = CHILD): Promise<ChildWorker> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker child exited (${code}) before ready:\n${err}`)));
  });
  return {
    process: child,
    pid: child.pid as number,
    stderr: () => err,
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
