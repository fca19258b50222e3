import { describe, expect, it } from "vitest";
import { investigateJobSchema, remediateJobSchema, remediationJobId } from "../../../src/queue/jobs.js";

describe("job schemas", () => {
  it("accepts an investigate job carrying only an investigation id", () => {
    expect(investigateJobSchema.parse({ investigationId: "inv-abc-123" })).toEqual({
      investigationId: "inv-abc-123",
    });
  });

  it("refuses extra fields, empty and odd ids in investigate jobs", () => {
    expect(
      investigateJobSchema.safeParse({ investigationId: "inv-1", command: "kubectl delete" }).success,
    ).toBe(false);
    expect(investigateJobSchema.safeParse({ investigationId: "" }).success).toBe(false);
    expect(investigateJobSchema.safeParse({ investigationId: "a:b" }).success).toBe(false);
    expect(investigateJobSchema.safeParse({}).success).toBe(false);
  });

  it("accepts a remediate job and refuses an unknown mode or a missing approver", () => {
    const job = { investigationId: "inv-1", proposalId: "scale:a/b", approvedBy: "U1", mode: "manual" };
    expect(remediateJobSchema.parse(job)).toEqual(job);
    expect(remediateJobSchema.safeParse({ ...job, mode: "yolo" }).success).toBe(false);
    expect(remediateJobSchema.safeParse({ ...job, approvedBy: "" }).success).toBe(false);
  });

  it("derives one remediation job id per investigation and proposal, usable as a BullMQ id", () => {
    const id = remediationJobId("inv-1", "create-pvc:a-team/postgres-pvc");
    expect(id).toBe(remediationJobId("inv-1", "create-pvc:a-team/postgres-pvc"));
    expect(id).not.toBe(remediationJobId("inv-2", "create-pvc:a-team/postgres-pvc"));
    expect(id).not.toContain(":");
  });
});
