{{- define "k8s-triage-bot.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "k8s-triage-bot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "k8s-triage-bot.labels" -}}
app.kubernetes.io/name: {{ include "k8s-triage-bot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "k8s-triage-bot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "k8s-triage-bot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "k8s-triage-bot.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "k8s-triage-bot.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-credentials" (include "k8s-triage-bot.fullname" .)) -}}
{{- end -}}

{{- define "k8s-triage-bot.policyConfigMap" -}}
{{- .Values.policy.existingConfigMap | default (printf "%s-policy" (include "k8s-triage-bot.fullname" .)) -}}
{{- end -}}

{{- define "k8s-triage-bot.readerServiceAccount" -}}
{{- printf "%s-reader" (include "k8s-triage-bot.fullname" .) -}}
{{- end -}}

{{- define "k8s-triage-bot.writerServiceAccount" -}}
{{- printf "%s-executor" (include "k8s-triage-bot.fullname" .) -}}
{{- end -}}

{{/* The install mode: all-in-one (the default, every role of one cluster), central or agent. */}}
{{- define "k8s-triage-bot.mode" -}}
{{- .Values.mode | default "all-in-one" -}}
{{- end -}}

{{/* "true" when this mode runs the Slack-facing role (serve). */}}
{{- define "k8s-triage-bot.runsSlack" -}}
{{- if ne (include "k8s-triage-bot.mode" .) "agent" -}}
true
{{- end -}}
{{- end -}}

{{/* "true" when this mode reads (and, through the executor, writes) the cluster it runs in. */}}
{{- define "k8s-triage-bot.readsCluster" -}}
{{- if ne (include "k8s-triage-bot.mode" .) "central" -}}
true
{{- end -}}
{{- end -}}

{{/*
The roles (Deployments) of this mode, as a JSON list, in the order every per-role template renders
them: all-in-one serve, worker, executor, watcher; central serve; agent worker, executor,
watcher (executor and watcher when enabled).
*/}}
{{- define "k8s-triage-bot.roles" -}}
{{- $roles := list -}}
{{- if include "k8s-triage-bot.runsSlack" . }}{{ $roles = append $roles "serve" }}{{ end -}}
{{- if include "k8s-triage-bot.readsCluster" . -}}
{{- $roles = append $roles "worker" -}}
{{- if .Values.executor.enabled }}{{ $roles = append $roles "executor" }}{{ end -}}
{{- if .Values.watcher.enabled }}{{ $roles = append $roles "watcher" }}{{ end -}}
{{- end -}}
{{- toJson $roles -}}
{{- end -}}

{{/* The cluster name of this install (CLUSTER_NAME): required for an agent, optional otherwise. */}}
{{- define "k8s-triage-bot.clusterName" -}}
{{- $name := .Values.cluster.name | default "" -}}
{{- if and (eq (include "k8s-triage-bot.mode" .) "agent") (not $name) -}}
{{- fail "mode agent needs cluster.name: the name this cluster has in Slack (e.g. --set cluster.name=eu-1), the same name its agents register under" -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/*
Combinations that cannot work, refused with what to change (called once, by templates/validate.yaml).
*/}}
{{- define "k8s-triage-bot.validate" -}}
{{- $mode := include "k8s-triage-bot.mode" . -}}
{{- $s := .Values.secrets -}}
{{- $name := include "k8s-triage-bot.clusterName" . -}}
{{- if and $name (not (regexMatch "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$" $name)) -}}
{{- fail (printf "cluster.name %q must be a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit" $name) -}}
{{- end -}}
{{- if eq $mode "central" -}}
{{- if $name -}}
{{- fail "mode central serves every cluster and reads none: unset cluster.name (each agent install names its cluster)" -}}
{{- end -}}
{{- if and (not $s.existingSecret) (not $s.slackBotToken) -}}
{{- fail "mode central posts to Slack: set secrets.existingSecret or secrets.slackBotToken (and secrets.slackSigningSecret or secrets.slackAppToken)" -}}
{{- end -}}
{{- end -}}
{{- if eq $mode "agent" -}}
{{- if or $s.slackBotToken $s.slackSigningSecret $s.slackAppToken $s.alertmanagerWebhookToken -}}
{{- fail "mode agent holds no Slack credentials (the central install posts everything): unset secrets.slackBotToken, slackSigningSecret, slackAppToken and alertmanagerWebhookToken" -}}
{{- end -}}
{{- if .Values.ingress.enabled -}}
{{- fail "mode agent has no Slack endpoint (it connects outbound to Redis only): unset ingress.enabled, or install mode central for Slack" -}}
{{- end -}}
{{- if .Values.redis.bundled.enabled -}}
{{- fail "mode agent connects to the central install's Redis: set redis.url (and unset redis.bundled.enabled)" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "k8s-triage-bot.redisUrl" -}}
{{- if .Values.redis.bundled.enabled -}}
{{- printf "redis://%s-redis:6379" (include "k8s-triage-bot.fullname" .) -}}
{{- else -}}
{{- required "redis.url is required unless redis.bundled.enabled is true (or set redis.sentinels or redis.cluster.nodes)" .Values.redis.url -}}
{{- end -}}
{{- end -}}

{{/* Where Redis is (URL, Sentinel or Cluster) and how to log in and verify it (README: Redis). */}}
{{- define "k8s-triage-bot.redisEnv" -}}
{{- $r := .Values.redis -}}
{{- $external := not $r.bundled.enabled -}}
{{- if and $external $r.sentinels $r.cluster.nodes -}}
{{- fail "redis.sentinels and redis.cluster.nodes are both set: Redis is either a Sentinel group or a Cluster" -}}
{{- end -}}
{{- if and $external $r.sentinels }}
- name: REDIS_SENTINELS
  value: {{ join "," $r.sentinels | quote }}
- name: REDIS_SENTINEL_MASTER
  value: {{ required "redis.sentinelMaster (the master's name the Sentinels monitor) is required with redis.sentinels" $r.sentinelMaster | quote }}
{{- else if and $external $r.cluster.nodes }}
- name: REDIS_CLUSTER_NODES
  value: {{ join "," $r.cluster.nodes | quote }}
{{- else }}
- name: REDIS_URL
  value: {{ include "k8s-triage-bot.redisUrl" . | quote }}
{{- end }}
{{- if $external }}
{{- with $r.username }}
- name: REDIS_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- if $r.existingSecret }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $r.existingSecret | quote }}, key: {{ $r.passwordKey | quote }}}
{{- if $r.sentinelPasswordKey }}
- name: REDIS_SENTINEL_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $r.existingSecret | quote }}, key: {{ $r.sentinelPasswordKey | quote }}}
{{- end }}
{{- end }}
{{- if and $r.tls.enabled (not $r.url) }}
- name: REDIS_TLS
  value: "true"
{{- end }}
{{- if $r.tls.existingSecret }}
{{- with $r.tls.caKey }}
- name: REDIS_TLS_CA_FILE
  value: {{ printf "/etc/k8s-triage-redis-tls/%s" . | quote }}
{{- end }}
{{- if and $r.tls.certKey $r.tls.keyKey }}
- name: REDIS_TLS_CERT_FILE
  value: {{ printf "/etc/k8s-triage-redis-tls/%s" $r.tls.certKey | quote }}
- name: REDIS_TLS_KEY_FILE
  value: {{ printf "/etc/k8s-triage-redis-tls/%s" $r.tls.keyKey | quote }}
{{- end }}
{{- end }}
{{- with $r.tls.serverName }}
- name: REDIS_TLS_SERVERNAME
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Environment shared by every role; no secret is in here (see k8s-triage-bot.secretEnv). */}}
{{- define "k8s-triage-bot.env" -}}
{{- include "k8s-triage-bot.redisEnv" . }}
- name: TRIAGE_POLICY_FILE
  value: /etc/k8s-triage/policy.yaml
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: HEALTH_PORT
  value: {{ .Values.healthPort | quote }}
- name: ANTHROPIC_MODEL
  value: {{ .Values.anthropic.model | quote }}
{{- with .Values.anthropic.baseUrl }}
- name: ANTHROPIC_BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.slack.apiUrl }}
- name: SLACK_API_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.queuePrefix }}
- name: QUEUE_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- with include "k8s-triage-bot.clusterName" . }}
- name: CLUSTER_NAME
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
Only the secret keys a role uses, each from the Secret and optional (Socket Mode, Claude and the
webhook token are optional): (dict "root" $ "keys" (list "SLACK_BOT_TOKEN" ...)).
*/}}
{{- define "k8s-triage-bot.secretEnv" -}}
{{- range $name := .keys }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "k8s-triage-bot.secretName" $.root }}
      key: {{ $name }}
      optional: true
{{- end }}
{{- end -}}

{{/* True when the chart renders its own Secret: no existingSecret and at least one value given. */}}
{{- define "k8s-triage-bot.rendersSecret" -}}
{{- $s := .Values.secrets -}}
{{- if and (not $s.existingSecret) (or $s.slackBotToken $s.slackSigningSecret $s.slackAppToken $s.anthropicApiKey $s.alertmanagerWebhookToken) -}}
true
{{- end -}}
{{- end -}}

{{/*
Namespaces the writer is bound in: executor.namespaces, else the policy's `namespaces` when none
is a glob. A policy of ["*"] (the default) binds cluster-wide; other globs must be listed.
Prints a JSON list, or "*" for cluster-wide.
*/}}
{{- define "k8s-triage-bot.writerNamespaces" -}}
{{- $names := .Values.executor.namespaces -}}
{{- if not $names -}}
{{- $policy := fromYaml (.Values.policy.content | default "") -}}
{{- $names = (get $policy "namespaces") | default (list "*") -}}
{{- end -}}
{{- if has "*" $names -}}
*
{{- else -}}
{{- range $names -}}
{{- if or (contains "*" .) (contains "?" .) (contains "[" .) -}}
{{- fail (printf "the policy's namespace %q is a glob: list the namespaces the executor may write in as executor.namespaces" .) -}}
{{- end -}}
{{- end -}}
{{- toJson $names -}}
{{- end -}}
{{- end -}}

{{/* Pod selector of one component of this release. */}}
{{- define "k8s-triage-bot.componentSelector" -}}
{{- include "k8s-triage-bot.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Pod-level settings shared by every role. */}}
{{- define "k8s-triage-bot.podCommon" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: policy
    configMap:
      name: {{ include "k8s-triage-bot.policyConfigMap" . }}
  - name: tmp
    emptyDir: {}
{{- if and (not .Values.redis.bundled.enabled) .Values.redis.tls.existingSecret }}
  - name: redis-tls
    secret:
      secretName: {{ .Values.redis.tls.existingSecret }}
{{- end }}
{{- end -}}

{{- define "k8s-triage-bot.volumeMounts" -}}
- name: policy
  mountPath: /etc/k8s-triage
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if and (not .Values.redis.bundled.enabled) .Values.redis.tls.existingSecret }}
- name: redis-tls
  mountPath: /etc/k8s-triage-redis-tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "k8s-triage-bot.probes" -}}
livenessProbe:
  httpGet: {path: /healthz, port: health}
  periodSeconds: 20
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /readyz, port: health}
  periodSeconds: 10
  failureThreshold: 3
{{- end -}}
