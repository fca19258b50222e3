/**
 * A small cluster for the remediation tests, with the behaviour declared for the simulated model:
 * `api` uses 100Mi of memory under a 64Mi limit (OOMKilled until the limit is raised), `db` mounts
 * a claim that does not exist (Pending until it is created), `pay` has a good revision 1 and a
 * crashing revision 2 (fixed by rolling back), `cache` mounts a missing claim but also crashes
 * on its own (creating the claim is not enough).
 */
/** The clock, the `shop` namespace and one Ready node: what every remediation state starts with. */
export const SHOP_CLUSTER = `
apiVersion: triage.sim/v1alpha1
kind: Clock
now: "2026-11-21T09:00:00Z"
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
status:
  conditions: [{type: Ready, status: "True"}]
  allocatable: {cpu: "8", memory: 32Gi, pods: "110"}
  capacity: {cpu: "8", memory: 32Gi, pods: "110"}
`;

export const REMEDIATION_STATE = `${SHOP_CLUSTER}---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: rancher.io/local-path
volumeBindingMode: Immediate
reclaimPolicy: Delete
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {app: api}}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
      annotations: {triage.sim/memory-usage: 100Mi}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/api:2.0.0
          env: [{name: DB_PASSWORD, value: hunter2-secret}]
          resources:
            requests: {memory: 32Mi}
            limits: {memory: 64Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop, labels: {app: db}}
spec:
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: postgres
          image: postgres:16
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: db-data}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: pay-6b8f7c9d5
  namespace: shop
  labels: {app: pay, pod-template-hash: 6b8f7c9d5}
  annotations: {deployment.kubernetes.io/revision: "1"}
spec:
  replicas: 0
  selector: {matchLabels: {app: pay, pod-template-hash: 6b8f7c9d5}}
  template:
    metadata: {labels: {app: pay, pod-template-hash: 6b8f7c9d5}}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/pay:1.8.0
          env: [{name: API_TOKEN, value: tok-abc123-do-not-leak}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pay, namespace: shop, labels: {app: pay}}
spec:
  replicas: 2
  selector: {matchLabels: {app: pay}}
  template:
    metadata:
      labels: {app: pay}
      annotations: {triage.sim/exit-code: "1", triage.sim/log: "panic: nil map in config loader"}
    spec:
      containers:
        - name: app
          image: registry.example.com/shop/pay:1.9.0
          env: [{name: API_TOKEN, value: tok-abc123-do-not-leak}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache, namespace: shop, labels: {app: cache}}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata:
      labels: {app: cache}
      annotations: {triage.sim/exit-code: "1"}
    spec:
      containers:
        - name: redis
          image: redis:7
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: cache-data}
`;
