/** Names one Kubernetes object. `namespace` is "" for cluster-scoped kinds (Node, StorageClass…). */
export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}
