// Writes the Helm chart's RBAC rules from the code's own lists (see src/deploy/rbac.ts).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { executorRules, readerRules, rulesYaml } from "../src/deploy/rbac.js";

const files = join(dirname(fileURLToPath(import.meta.url)), "..", "helm", "k8s-triage-bot", "files");
writeFileSync(join(files, "reader-rules.yaml"), rulesYaml(readerRules()));
writeFileSync(join(files, "writer-rules.yaml"), rulesYaml(executorRules()));
console.log(`wrote ${files}/reader-rules.yaml and writer-rules.yaml`);
