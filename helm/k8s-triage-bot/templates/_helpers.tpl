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
