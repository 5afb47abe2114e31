{{/* vim: set filetype=mustache: */}}

{{- define "creditloop.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "creditloop.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "creditloop.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels (add component separately). */}}
{{- define "creditloop.labels" -}}
helm.sh/chart: {{ include "creditloop.chart" . }}
{{ include "creditloop.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: creditloop
{{- end }}

{{- define "creditloop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "creditloop.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "creditloop.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "creditloop.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "creditloop.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{- define "creditloop.devSecretName" -}}
{{- printf "%s-dev" (include "creditloop.fullname" .) }}
{{- end }}

{{/*
Secret reference for one setting: returns "name/key", or "" when the setting is not configured.
Usage: include "creditloop.secretRef" (dict "root" . "ref" .Values.database "dev" .Values.devSecret.databaseUrl)
*/}}
{{- define "creditloop.secretRef" -}}
{{- if .ref.existingSecret -}}
{{- printf "%s/%s" .ref.existingSecret .ref.key }}
{{- else if and .root.Values.devSecret.create .dev -}}
{{- printf "%s/%s" (include "creditloop.devSecretName" .root) .ref.key }}
{{- end }}
{{- end }}

{{/* "true" when an external (PostgreSQL) database is configured by Secret. */}}
{{- define "creditloop.externalDatabase" -}}
{{- if include "creditloop.secretRef" (dict "root" . "ref" .Values.database "dev" .Values.devSecret.databaseUrl) }}true{{ end }}
{{- end }}

{{/* "true" when the migration hook Job runs (and servers start with --no-migrate). */}}
{{- define "creditloop.migrationJob" -}}
{{- if and .Values.migrations.enabled (include "creditloop.externalDatabase" .) }}true{{ end }}
{{- end }}

{{/* Fail early on combinations that cannot work. */}}
{{- define "creditloop.validate" -}}
{{- if not (include "creditloop.externalDatabase" .) }}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled .Values.workers.separate }}
{{- fail "SQLite (no database.existingSecret) runs in one pod only: set database.existingSecret to a Secret with a PostgreSQL URL, or use replicaCount=1, autoscaling.enabled=false, workers.separate=false" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Non-secret settings as a flat map of env name -> string. Used by the ConfigMap (web and
worker pods) and inlined into the migration Job (a pre-install hook cannot rely on the ConfigMap).
*/}}
{{- define "creditloop.configEnv" -}}
{{- $c := .Values.config -}}
{{- $env := dict
  "CREDITLOOP_LISTEN" "0.0.0.0:8080"
  "CREDITLOOP_DATA_DIR" "/app/data"
  "CREDITLOOP_FRONTEND_DIR" "/app/frontend/dist"
-}}
{{- if not (include "creditloop.externalDatabase" .) }}
{{- $_ := set $env "CREDITLOOP_DATABASE_URL" "sqlite:///app/data/creditloop.db?mode=rwc" }}
{{- end }}
{{- /* Every config.<camelCase> key maps to CREDITLOOP_<UPPER_SNAKE> (dbPoolMax -> CREDITLOOP_DB_POOL_MAX). */}}
{{- range $k, $v := $c }}
{{- if and (ne $k "workers") (ne $k "corsOrigins") (not (kindIs "invalid" $v)) (ne (toString $v) "") }}
{{- $_ := set $env (printf "CREDITLOOP_%s" ($k | snakecase | upper)) (toString $v) }}
{{- end }}
{{- end }}
{{- if $c.corsOrigins }}
{{- $_ := set $env "CREDITLOOP_CORS_ORIGINS" (join "," $c.corsOrigins) }}
{{- end }}
{{- range $k, $v := .Values.extraConfig }}
{{- $_ := set $env $k (toString $v) }}
{{- end }}
{{- toYaml $env }}
{{- end }}

{{/*
Secret-backed env entries (valueFrom.secretKeyRef only; values are never inlined).
Arg: dict "root" $ "migrate" bool (migrate: the migration Job's database override applies).
*/}}
{{- define "creditloop.secretEnv" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $db := $v.database -}}
{{- if and .migrate $v.migrations.database.existingSecret }}
{{- $db = $v.migrations.database -}}
{{- end }}
{{- $items := list
  (list "CREDITLOOP_DATABASE_URL" $db $v.devSecret.databaseUrl)
  (list "CREDITLOOP_SMTP_URL" $v.smtp $v.devSecret.smtpUrl)
  (list "CREDITLOOP_SESSION_KEY" $v.sessionKey $v.devSecret.sessionKey)
-}}
{{- range $items }}
{{- $ref := include "creditloop.secretRef" (dict "root" $root "ref" (index . 1) "dev" (index . 2)) }}
{{- if $ref }}
{{- $parts := splitList "/" $ref }}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index $parts 0 | quote }}
      key: {{ index $parts 1 | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Container env for a creditloop pod. Arg: dict "root" $ "workers" "true"|"false"|"".
CREDITLOOP_WORKERS is only set when it differs from the server default (true) or for the
separate worker Deployment, so that a default install sets only settings every server knows.
*/}}
{{- define "creditloop.containerEnv" -}}
{{- $root := .root -}}
{{- $workers := .workers -}}
{{- if and (not $workers) (not $root.Values.config.workers) }}
{{- $workers = "false" }}
{{- end }}
{{- $secretEnv := include "creditloop.secretEnv" (dict "root" $root) | trim -}}
{{- if or $workers $secretEnv $root.Values.extraEnv }}
env:
  {{- if $workers }}
  - name: CREDITLOOP_WORKERS
    value: {{ $workers | quote }}
  {{- end }}
  {{- with $secretEnv }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with $root.Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end }}

{{/* Volumes shared by creditloop pods: writable /tmp and data dir on a read-only root. */}}
{{- define "creditloop.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: data
  emptyDir:
    sizeLimit: {{ .Values.dataSizeLimit }}
{{- end }}

{{- define "creditloop.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /app/data
{{- end }}
