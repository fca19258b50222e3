import { describe, expect, it } from "vitest";
import type { Pod } from "../../../src/domain/kube.js";
import { humanDuration, podColumns } from "../../../src/sim/pod-status.js";
import { renderTable } from "../../../src/sim/table.js";

const NOW = Date.parse("2026-03-10T12:00:00Z");

function pod(
  status: Pod["status"],
  spec: Partial<Pod["spec"]> = {},
  extra: Partial<Pod["metadata"]> = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns", creationTimestamp: "2026-03-10T11:00:00Z", ...extra },
    spec: { containers: [{ name: "app", image: "x" }], ...spec },
    status,
  };
}

describe("pod STATUS as kubectl computes it", () => {
  it("reports the waiting reason of a container", () => {
    for (const reason of [
      "ImagePullBackOff",
      "CrashLoopBackOff",
      "CreateContainerConfigError",
      "ErrImagePull",
    ]) {
      const columns = podColumns(
        pod({
          phase: "Pending",
          containerStatuses: [{ name: "app", ready: false, restartCount: 0, state: { waiting: { reason } } }],
        }),
        NOW,
      );
      expect(columns.status).toBe(reason);
    }
  });

  it("shows Running with ready counts, and restarts with the last restart's age", () => {
    const columns = podColumns(
      pod(
        {
          phase: "Running",
          containerStatuses: [
            {
              name: "app",
              ready: true,
              restartCount: 2,
              state: { running: {} },
              lastState: {
                terminated: { exitCode: 137, reason: "OOMKilled", finishedAt: "2026-03-10T11:55:00Z" },
              },
            },
            { name: "side", ready: false, restartCount: 0, state: { running: {} } },
          ],
        },
        { containers: [{ name: "app" }, { name: "side" }] },
      ),
      NOW,
    );
    expect(columns).toEqual({ ready: "1/2", status: "Running", restarts: "2 (5m ago)" });
  });

  it("prefixes init container problems with Init: and counts init progress", () => {
    const crashing = pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          { name: "init", ready: false, restartCount: 3, state: { waiting: { reason: "CrashLoopBackOff" } } },
        ],
      },
      { initContainers: [{ name: "init" }] },
    );
    expect(podColumns(crashing, NOW).status).toBe("Init:CrashLoopBackOff");
    expect(podColumns(crashing, NOW).restarts).toBe("3");
    const progressing = pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          {
            name: "a",
            ready: true,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: "Completed" } },
          },
          { name: "b", ready: false, restartCount: 0, state: { running: {} } },
        ],
      },
      { initContainers: [{ name: "a" }, { name: "b" }] },
    );
    expect(podColumns(progressing, NOW).status).toBe("Init:1/2");
    const failed = pod(
      {
        phase: "Pending",
        initContainerStatuses: [
          { name: "a", ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } },
        ],
      },
      { initContainers: [{ name: "a" }] },
    );
    expect(podColumns(failed, NOW).status).toBe("Init:ExitCode:2");
  });

  it("shows Pending, Completed, Terminating and the pod-level reason", () => {
    expect(podColumns(pod({ phase: "Pending" }), NOW).status).toBe("Pending");
    expect(
      podColumns(
        pod({
          phase: "Succeeded",
          containerStatuses: [
            {
              name: "app",
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 0, reason: "Completed" } },
            },
          ],
        }),
        NOW,
      ).status,
    ).toBe("Completed");
    expect(
      podColumns(pod({ phase: "Running" }, {}, { deletionTimestamp: "2026-03-10T11:59:00Z" }), NOW).status,
    ).toBe("Terminating");
    expect(podColumns(pod({ phase: "Failed", reason: "Evicted" }), NOW).status).toBe("Evicted");
    expect(
      podColumns(
        pod({
          phase: "Running",
          containerStatuses: [
            { name: "app", ready: false, restartCount: 1, state: { terminated: { exitCode: 1 } } },
          ],
        }),
        NOW,
      ).status,
    ).toBe("ExitCode:1");
  });
});

describe("human durations and tables", () => {
  it("formats ages like kubectl", () => {
    expect(humanDuration(5_000)).toBe("5s");
    expect(humanDuration(119_000)).toBe("119s");
    expect(humanDuration(150_000)).toBe("2m30s");
    expect(humanDuration(600_000)).toBe("10m");
    expect(humanDuration(3 * 3_600_000 + 15 * 60_000)).toBe("3h15m");
    expect(humanDuration(30 * 3_600_000)).toBe("30h");
    expect(humanDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3d4h");
    expect(humanDuration(40 * 86_400_000)).toBe("40d");
    expect(humanDuration(-5_000)).toBe("<invalid>");
  });

  it("renders a pod Table with kubectl's columns and metadata-only row objects", () => {
    const table = renderTable(
      "Pod",
      [
        pod({
          phase: "Running",
          containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: { running: {} } }],
        }),
      ],
      NOW,
      "Metadata",
      { resourceVersion: "7" },
    ) as {
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(
      table.columnDefinitions.filter((column) => column.priority === 0).map((column) => column.name),
    ).toEqual(["Name", "Ready", "Status", "Restarts", "Age"]);
    expect(table.rows[0]?.cells.slice(0, 5)).toEqual(["p", "1/1", "Running", "0", "60m"]);
    expect(table.rows[0]?.object.kind).toBe("PartialObjectMetadata");
  });

  it("prints endpoints addresses and job status like kubectl", () => {
    const endpoints = renderTable(
      "Endpoints",
      [
        {
          apiVersion: "v1",
          kind: "Endpoints",
          metadata: { name: "api" },
          subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 8080 }] }],
        },
        { apiVersion: "v1", kind: "Endpoints", metadata: { name: "empty" } },
      ],
      NOW,
      "None",
      {},
    ) as { rows: { cells: unknown[] }[] };
    expect(endpoints.rows.map((row) => row.cells[1])).toEqual(["10.0.0.1:8080,10.0.0.2:8080", "<none>"]);
    const job = renderTable(
      "Job",
      [
        {
          apiVersion: "batch/v1",
          kind: "Job",
          metadata: { name: "report", creationTimestamp: "2026-03-10T11:00:00Z" },
          spec: { template: { spec: { containers: [] } }, completions: 1 },
          status: {
            failed: 6,
            startTime: "2026-03-10T11:00:00Z",
            conditions: [{ type: "Failed", status: "True" }],
          },
        },
      ],
      NOW,
      "None",
      {},
    ) as { rows: { cells: unknown[] }[] };
    expect(job.rows[0]?.cells).toEqual(["report", "Failed", "0/1", "60m", "60m"]);
  });
});
