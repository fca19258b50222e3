import { namespaceName } from "../domain/actions.js";
import type { ResourceRef } from "../domain/types.js";

/** The parts of a Slack message an alert parser reads (top-level text and legacy attachments). */
export interface AlertMessageInput {
  text?: string;
  attachments?: {
    title?: string;
    pretext?: string;
    text?: string;
    fallback?: string;
    fields?: { title?: string; value?: string }[];
  }[];
}

/** What an alert message says about the incident. All values are untrusted text. */
export interface ParsedAlert {
  status: "firing" | "resolved" | "unknown";
  alertname?: string;
  namespace?: string;
  pod?: string;
  deployment?: string;
  /** The workload or pod the alert names, when it names one. */
  target?: ResourceRef;
  /** The alert's own words (title and text), for the investigation trigger. */
  summary: string;
}

const LABELS = ["namespace", "pod", "deployment", "alertname"] as const;
type Label = (typeof LABELS)[number];

const NAME = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";
const TITLE = new RegExp(
  `\\[(FIRING|RESOLVED)(?::\\d+)?\\]\\s+([A-Za-z0-9_:]+)(?:\\s+\\((${NAME})/(${NAME})\\))?`,
);
/** A pod created by a ReplicaSet (`name-<hash>-<5>`) or a StatefulSet/DaemonSet (`name-<5>` or `name-N`). */
const POD_NAME = /-[a-z0-9]{5}$|-\d+$/;

function labelPatterns(label: Label): RegExp[] {
  const value = label === "alertname" ? "([A-Za-z0-9_:]+)" : `(${NAME})`;
  return [
    // namespace=prod-api, namespace="prod-api", namespace = 'prod-api'
    new RegExp(`(?:^|[\\s{,(•*_-])${label}\\s*=\\s*["'\`]?${value}`, "i"),
    // *namespace:* prod-api, namespace: `prod-api`, _namespace_: prod-api
    new RegExp(`(?:^|[\\s•*_-])[*_]?${label}[*_]?\\s*:\\s*[*_]?\\s*["'\`]?${value}`, "i"),
  ];
}

function findLabel(texts: string[], label: Label): string | undefined {
  for (const pattern of labelPatterns(label)) {
    for (const text of texts) {
      const match = pattern.exec(text);
      if (match?.[1]) return match[1];
    }
  }
  return undefined;
}

function decode(text: string): string {
  // Slack delivers &, < and > escaped; labels must be compared unescaped.
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * Reads an alert posted by Alertmanager's Slack integration or another alerting bot: the
 * default title `[FIRING:1] KubePodCrashLooping (prod-api/api-gateway)`, labels written as
 * `namespace=prod-api` or `*namespace:* prod-api`, and attachment fields titled with a label.
 * Returns undefined when the message names no valid namespace.
 */
export function parseAlertMessage(message: AlertMessageInput): ParsedAlert | undefined {
  const texts: string[] = [];
  const fieldValues = new Map<string, string>();
  if (message.text) texts.push(decode(message.text));
  for (const attachment of message.attachments ?? []) {
    for (const part of [attachment.title, attachment.pretext, attachment.text, attachment.fallback]) {
      if (part) texts.push(decode(part));
    }
    for (const field of attachment.fields ?? []) {
      const title = field.title?.trim().toLowerCase();
      if (title && field.value)
        fieldValues.set(
          title,
          decode(field.value)
            .trim()
            .replace(/^[`*_"']+|[`*_"']+$/g, ""),
        );
    }
  }
  const found: Partial<Record<Label, string>> = {};
  let status: ParsedAlert["status"] = "unknown";
  for (const text of texts) {
    const title = TITLE.exec(text);
    if (!title) continue;
    status = title[1] === "RESOLVED" ? "resolved" : "firing";
    found.alertname ??= title[2];
    if (title[3] && title[5]) {
      found.namespace ??= title[3];
      const name = title[5];
      if (POD_NAME.test(name)) found.pod ??= name;
      else found.deployment ??= name;
    }
    break;
  }
  for (const label of LABELS) {
    const value = fieldValues.get(label) ?? findLabel(texts, label);
    if (value) found[label] = value;
  }
  const namespace = found.namespace;
  if (!namespace || !namespaceName.safeParse(namespace).success) return undefined;
  const summary = texts.join("\n").trim();
  const result: ParsedAlert = { status, namespace, summary };
  if (found.alertname) result.alertname = found.alertname;
  if (found.pod) result.pod = found.pod;
  if (found.deployment) result.deployment = found.deployment;
  if (found.deployment) result.target = { kind: "Deployment", namespace, name: found.deployment };
  else if (found.pod) result.target = { kind: "Pod", namespace, name: found.pod };
  return result;
}
