/** What an exit code says about how a container died (the kernel's and the shell's conventions). */
export function explainExit(exitCode: number | undefined, reason: string | undefined): string {
  if (reason === "OOMKilled") return "OOMKilled: it exceeded its memory limit";
  switch (exitCode) {
    case undefined:
      return "it keeps failing";
    case 137:
      return "killed with SIGKILL (exit 137), not OOMKilled — e.g. liveness probe or external kill";
    case 143:
      return "stopped with SIGTERM (exit 143) — e.g. a failing liveness probe or a shutdown it did not survive";
    case 139:
      return "segmentation fault (exit 139)";
    case 126:
      return "its command is not executable (exit 126)";
    case 127:
      return "its command was not found (exit 127)";
    case 0:
      return "it exits successfully (exit 0) but is expected to keep running";
    default:
      return `it exits with code ${exitCode}`;
  }
}
