import { execFileSync } from "node:child_process";

/**
 * Installs Debian packages for a tool a test or the demo needs (redis-server, chromium), with no
 * stdin (CI=true machines): as root directly, otherwise through passwordless sudo.
 */
export function installDebianPackages(packages: string[], log: (line: string) => void): void {
  log(`installing Debian package(s): ${packages.join(", ")}`);
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...asRoot, ...args];
    execFileSync(cmd as string, rest, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  };
  run(["apt-get", "update", "-qq"]);
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages]);
}
