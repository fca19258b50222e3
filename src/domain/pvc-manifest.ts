import { stringify } from "yaml";

/**
 * The PersistentVolumeClaim `create-pvc` creates, built in one place: the executor POSTs this
 * object and the approver's card shows it as YAML, so what is shown is what is created. Pure.
 */

/** Marks objects the bot created, so a rollback only ever deletes its own. */
export const CREATED_BY_ANNOTATION = "k8s-triage-bot/created-by";
/** The standard managed-by label on what the bot creates. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/** What `create-pvc` needs to build its claim. */
export interface PvcParams {
  storageClassName: string;
  size: string;
  accessModes: readonly string[];
}

/** The claim object, exactly as sent. */
export function pvcManifest(target: { namespace: string; name: string }, params: PvcParams) {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: target.name,
      namespace: target.namespace,
      labels: { [MANAGED_BY_LABEL]: "k8s-triage-bot" },
      annotations: { [CREATED_BY_ANNOTATION]: "create-pvc" },
    },
    spec: {
      accessModes: [...params.accessModes],
      storageClassName: params.storageClassName,
      resources: { requests: { storage: params.size } },
    },
  };
}

/** The claim as the YAML manifest shown on the card (`kubectl apply -f` would create the same). */
export function pvcManifestText(target: { namespace: string; name: string }, params: PvcParams): string {
  return stringify(pvcManifest(target, params)).trimEnd();
}
