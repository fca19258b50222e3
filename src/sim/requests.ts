/** One request the simulated API server answered, for tests that prove who did what. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query. */
  path: string;
  query: Record<string, string>;
  /** The identity's user name; "system:anonymous" without a (known) token. */
  identity: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete (non-resource paths: the HTTP verb in lower case). */
  verb: string;
  /** Plural resource (`pods`), absent for non-resource paths. */
  resource?: string;
  /** API group of the resource ("" for core). */
  group?: string;
  /** `log`, `scale`, `status`. */
  subresource?: string;
  namespace?: string;
  name?: string;
  /**
   * The response form the client negotiated (Accept): full objects, a Table, or
   * PartialObjectMetadata (metadata only, as the reader asks for Secrets). Resource requests only.
   */
  form?: "object" | "table" | "metadata";
  /** True for `dryRun=All` (nothing was persisted). */
  dryRun: boolean;
  /** HTTP status code of the answer. */
  status: number;
  /** Simulated time of the request, RFC 3339. */
  at: string;
  /** Wall-clock time, for ordering across simulated-clock jumps. */
  wallTime: string;
}

/** True for the verbs that change state. */
export function isMutating(request: Pick<RecordedRequest, "verb">): boolean {
  return ["create", "update", "patch", "delete", "deletecollection"].includes(request.verb);
}
