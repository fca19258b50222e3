import { describe, expect, it } from "vitest";
import { parseTriageArgs } from "../../../src/commands/triage-args.js";
import { InputError } from "../../../src/errors.js";

// The `triage` command's argument rules (src/commands/triage.ts), pure: no I/O happens here.
describe("parseTriageArgs", () => {
  it("reads a namespace and every option", () => {
    expect(
      parseTriageArgs([
        "prod-api",
        "--from-file",
        "s.yaml",
        "--format",
        "markdown",
        "--no-llm",
        "--evidence-dir",
        "ev",
      ]),
    ).toEqual({
      help: false,
      namespace: "prod-api",
      allNamespaces: false,
      fromFile: "s.yaml",
      format: "markdown",
      noLlm: true,
      evidenceDir: "ev",
    });
    expect(parseTriageArgs(["-A", "--context", "prod", "--kubeconfig", "kc", "-o", "json"])).toEqual({
      help: false,
      allNamespaces: true,
      context: "prod",
      kubeconfig: "kc",
      format: "json",
      noLlm: false,
    });
  });

  it("defaults to a text report of the context's namespace", () => {
    expect(parseTriageArgs([])).toEqual({ help: false, allNamespaces: false, format: "text", noLlm: false });
  });

  const errors: [string, string[], RegExp][] = [
    ["unknown flag", ["--bogus"], /unknown option '--bogus'/],
    ["two namespaces", ["a", "b"], /expected at most one namespace, got 'a' 'b'/],
    ["namespace and --all-namespaces", ["a", "-A"], /not both/],
    ["invalid namespace", ["Prod"], /'Prod' is not a valid namespace name/],
    ["too long namespace", ["x".repeat(64)], /not a valid namespace name/],
    ["unknown format", ["a", "--format", "yaml"], /unknown --format 'yaml'/],
    ["missing flag value", ["a", "--format"], /--format/],
    ["file and context", ["a", "--from-file", "f", "--context", "c"], /cannot be combined with --context/],
  ];
  for (const [name, args, message] of errors) {
    it(`rejects ${name} with an InputError`, () => {
      expect(() => parseTriageArgs(args)).toThrow(InputError);
      expect(() => parseTriageArgs(args)).toThrow(message);
    });
  }
});
