/**
 * Label and field selectors in the syntax of the Kubernetes API (`?labelSelector=`,
 * `?fieldSelector=`). Parsing failures throw `SelectorError` so the server can answer 400 with
 * the same message shape as the real API server.
 */

/** A selector string the API server would reject. */
export class SelectorError extends Error {}

/** One label requirement. */
export type LabelRequirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!" }
  | { key: string; op: "gt" | "lt"; value: number };

/** A parsed label selector: all requirements must hold. An empty list matches everything. */
export type LabelSelector = LabelRequirement[];

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string, whole: string): string {
  if (!LABEL_KEY.test(key) || key.length > 316) {
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  }
  return key;
}

function checkValue(value: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63) {
    throw new SelectorError(
      `unable to parse requirement: values[0]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return value;
}

function parseRequirement(raw: string): LabelRequirement {
  const part = raw.trim();
  if (part === "") throw new SelectorError("found '', expected: identifier");
  if (part.startsWith("!")) return { key: checkKey(part.slice(1).trim(), part), op: "!" };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const values = set[3]!
      .split(",")
      .map((value) => checkValue(value.trim()))
      .filter((value, _index, all) => value !== "" || all.length === 1);
    if (values.length === 0 || (values.length === 1 && values[0] === "")) {
      throw new SelectorError(
        `unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`,
      );
    }
    return { key: checkKey(set[1]!, part), op: set[2] as "in" | "notin", values };
  }
  const compare = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(part);
  if (compare) {
    const key = checkKey(compare[1]!, part);
    const op = compare[2]!;
    const value = compare[3]!.trim();
    if (op === "<" || op === ">") {
      const number = Number(value);
      if (!/^-?[0-9]+$/.test(value) || !Number.isFinite(number)) {
        throw new SelectorError(
          `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      }
      return { key, op: op === ">" ? "gt" : "lt", value: number };
    }
    return { key, op: op === "!=" ? "!=" : "=", value: checkValue(value) };
  }
  if (/\s/.test(part))
    throw new SelectorError(
      `unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`,
    );
  return { key: checkKey(part, part), op: "exists" };
}

/** Parses `app=web,tier!=db,env in (prod,stage),!legacy,team`. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (text === undefined || text.trim() === "") return [];
  return splitTopLevel(text).map(parseRequirement);
}

/** True when `labels` satisfy every requirement. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const requirement of selector) {
    const value = labels?.[requirement.key];
    switch (requirement.op) {
      case "=":
        if (value !== requirement.value) return false;
        break;
      case "!=":
        if (value === requirement.value) return false;
        break;
      case "in":
        if (value === undefined || !requirement.values.includes(value)) return false;
        break;
      case "notin":
        if (value !== undefined && requirement.values.includes(value)) return false;
        break;
      case "exists":
        if (value === undefined) return false;
        break;
      case "!":
        if (value !== undefined) return false;
        break;
      case "gt":
      case "lt": {
        const number = Number(value);
        if (value === undefined || !/^-?[0-9]+$/.test(value)) return false;
        if (requirement.op === "gt" ? number <= requirement.value : number >= requirement.value) return false;
        break;
      }
    }
  }
  return true;
}

/** One field requirement (`spec.nodeName=node-1`, `status.phase!=Running`). */
export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** Splits on an unescaped separator, keeping escapes for the next stage. */
function splitEscaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === "\\" && index + 1 < text.length) {
      current += char + text[index + 1];
      index++;
    } else if (char === separator) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeSelector(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

/** Finds the first unescaped operator (==, !=, =) of one requirement. */
function splitRequirement(raw: string): [field: string, op: "=" | "!=", value: string] | undefined {
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index];
    if (char === "\\") {
      index++;
      continue;
    }
    if (char === "!" && raw[index + 1] === "=") return [raw.slice(0, index), "!=", raw.slice(index + 2)];
    if (char === "=") {
      const width = raw[index + 1] === "=" ? 2 : 1;
      return [raw.slice(0, index), "=", raw.slice(index + width)];
    }
  }
  return undefined;
}

/**
 * Parses `a=b,c!=d` (`==` too; `\,` `\=` `\\` escapes). `supported` lists the field labels the
 * kind accepts; others fail like the real server's "field label not supported".
 */
export function parseFieldSelector(
  text: string | undefined,
  supported?: (field: string) => boolean,
): FieldRequirement[] {
  if (text === undefined || text.trim() === "") return [];
  return splitEscaped(text, ",").map((raw) => {
    const parts = splitRequirement(raw);
    if (!parts) throw new SelectorError(`invalid selector: '${text}'; can't understand '${raw}'`);
    const field = unescapeSelector(parts[0]).trim();
    if (supported && !supported(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, op: parts[1], value: unescapeSelector(parts[2]) };
  });
}

/** Reads a dotted path from an object as the string a field selector compares with. */
export function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return "";
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) return "";
  if (typeof current === "object") return JSON.stringify(current);
  return String(current);
}

/** True when the object satisfies every field requirement. */
export function matchesFields(selector: FieldRequirement[], object: unknown): boolean {
  for (const requirement of selector) {
    const actual = fieldValue(object, requirement.field);
    if ((actual === requirement.value) !== (requirement.op === "=")) return false;
  }
  return true;
}
