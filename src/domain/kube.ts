/**
 * Kubernetes objects in their JSON wire form (timestamps are RFC 3339 strings), as served by the
 * API server, printed by `kubectl get -o yaml`, and stored in cluster-state files. Only the fields
 * this project reads are named; every object keeps the rest as unknown keys. Extend by adding
 * optional fields; never rename.
 */

/** Metadata common to every object. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

export interface ResourceList {
  cpu?: string;
  memory?: string;
  [key: string]: string | undefined;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    [key: string]: unknown;
  };
}

export interface EnvFromSource {
  secretRef?: { name: string; optional?: boolean };
  configMapRef?: { name: string; optional?: boolean };
  prefix?: string;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  [key: string]: unknown;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  secret?: { secretName?: string; optional?: boolean };
  configMap?: { name?: string; optional?: boolean };
  [key: string]: unknown;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: unknown;
  tolerations?: Toleration[];
  serviceAccountName?: string;
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface ContainerStateWaiting {
  reason?: string;
  message?: string;
}
export interface ContainerStateTerminated {
  exitCode: number;
  reason?: string;
  message?: string;
  signal?: number;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: { startedAt?: string };
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  imageID?: string;
  started?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
  containerID?: string;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
}

export interface PodStatus {
  phase?: string;
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  reason?: string;
  message?: string;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  [key: string]: unknown;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface WorkloadStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  unavailableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
  [key: string]: unknown;
}

/** Deployment, ReplicaSet, StatefulSet and DaemonSet share this shape for what we read. */
export interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    template: PodTemplateSpec;
    strategy?: unknown;
    progressDeadlineSeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    [key: string]: unknown;
  };
  status?: WorkloadStatus & {
    numberReady?: number;
    desiredNumberScheduled?: number;
    currentReplicas?: number;
  };
}

export interface Job extends KubeObject {
  spec: { template: PodTemplateSpec; backoffLimit?: number; completions?: number; [key: string]: unknown };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: Condition[];
    startTime?: string;
    completionTime?: string;
  };
}

export interface CronJob extends KubeObject {
  spec: { schedule: string; suspend?: boolean; jobTemplate: { spec: Job["spec"] }; [key: string]: unknown };
  status?: { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: unknown[] };
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: {
    conditions?: Condition[];
    allocatable?: ResourceList;
    capacity?: ResourceList;
    nodeInfo?: Record<string, string>;
    [key: string]: unknown;
  };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface Service extends KubeObject {
  spec?: { selector?: Record<string, string>; ports?: ServicePort[]; type?: string; clusterIP?: string };
}

export interface EndpointAddress {
  ip: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}
export interface Endpoints extends KubeObject {
  subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: unknown[] }[];
}

/** core/v1 Event (the form `kubectl get events -o yaml` prints). */
export interface KubeEvent extends KubeObject {
  involvedObject: { kind?: string; namespace?: string; name?: string; uid?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: {
    storageClassName?: string;
    accessModes?: string[];
    resources?: { requests?: ResourceList };
    volumeName?: string;
  };
  status?: { phase?: string; capacity?: ResourceList };
}

export interface StorageClass extends KubeObject {
  provisioner?: string;
  volumeBindingMode?: string;
  reclaimPolicy?: string;
}

export interface Ingress extends KubeObject {
  spec?: {
    ingressClassName?: string;
    defaultBackend?: { service?: { name: string; port?: { number?: number; name?: string } } };
    rules?: {
      host?: string;
      http?: {
        paths: {
          path?: string;
          pathType?: string;
          backend: { service?: { name: string; port?: { number?: number; name?: string } } };
        }[];
      };
    }[];
    tls?: { hosts?: string[]; secretName?: string }[];
  };
}

export interface ResourceQuota extends KubeObject {
  spec?: { hard?: ResourceList };
  status?: { hard?: ResourceList; used?: ResourceList };
}

export interface HorizontalPodAutoscaler extends KubeObject {
  spec?: {
    scaleTargetRef: { kind: string; name: string; apiVersion?: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: unknown[];
  };
  status?: { currentReplicas?: number; desiredReplicas?: number; conditions?: Condition[] };
}

export interface NetworkPolicy extends KubeObject {
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: unknown[];
    egress?: unknown[];
  };
}
