// One build run: its status and details, its phases, artifacts and test reports, and its log,
// live while it runs. The build itself is polled until it completes.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import Modal from "@cloudscape-design/components/modal";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { AwsError } from "../api";
import { BuildLog } from "../components/build-log";
import { EmptyState, emptyOrError } from "../components/table-states";
import { formatDuration, formatTime } from "../format";
import { projectPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { buildKey, projectBuildsKey } from "../query-keys";
import {
  batchGetBuilds,
  batchGetReports,
  type Build,
  type BuildPhase,
  describeTestCases,
  stopBuild,
  type TestReport,
} from "../services/codebuild";
import { Status } from "../status";
import { DialogFooter } from "../components/dialog-footer";
import { ConsoleLink } from "../components/console-link";

async function fetchBuild(id: string): Promise<Build> {
  const [build] = await batchGetBuilds([id]);
  if (!build) throw new AwsError("ResourceNotFoundException", `Build ${id} does not exist.`, 400);
  return build;
}

function seconds(n: number | undefined): string {
  if (n === undefined) return "-";
  return formatDuration(0, n);
}

/** A phase's duration; the running phase's so far. COMPLETED only marks the end: it has none. */
function phaseDuration(phase: BuildPhase, buildComplete: boolean | undefined): string {
  if (phase.durationInSeconds !== undefined) return seconds(phase.durationInSeconds);
  if (phase.startTime === undefined || phase.phaseType === "COMPLETED") return "-";
  if (phase.endTime === undefined && buildComplete) return "-";
  return formatDuration(phase.startTime, phase.endTime);
}

function BuildDetails({ build }: { build: Build }) {
  return (
    <Container header={<Header variant="h2">Build details</Header>}>
      <KeyValuePairs
        columns={3}
        items={[
          { label: "Build number", value: build.buildNumber ?? "-" },
          { label: "Initiator", value: build.initiator ?? "-" },
          { label: "Source version", value: build.sourceVersion || "-" },
          { label: "Resolved source version", value: build.resolvedSourceVersion || "-" },
          { label: "Start time", value: formatTime(build.startTime) },
          { label: "End time", value: formatTime(build.endTime) },
          { label: "Duration", value: formatDuration(build.startTime, build.endTime) },
        ]}
      />
    </Container>
  );
}

function Phases({ build }: { build: Build }) {
  return (
    <Table
      variant="container"
      header={<Header variant="h2">Phases</Header>}
      items={build.phases ?? []}
      trackBy="phaseType"
      empty={<EmptyState title="No phases" subtitle="The build has not started a phase yet." />}
      columnDefinitions={[
        { id: "type", header: "Phase", cell: (p) => p.phaseType ?? "-", isRowHeader: true },
        {
          id: "status",
          header: "Status",
          // The running phase has no status yet; nor has COMPLETED, the marker of a finished build.
          cell: (p) =>
            p.phaseStatus ? (
              <Status status={p.phaseStatus} />
            ) : p.phaseType === "COMPLETED" || build.buildComplete ? (
              "-"
            ) : (
              <Status status="IN_PROGRESS" />
            ),
        },
        { id: "duration", header: "Duration", cell: (p) => phaseDuration(p, build.buildComplete) },
        {
          id: "message",
          header: "Message",
          cell: (p) => {
            const messages = (p.contexts ?? []).map((c) => c.message).filter((m): m is string => !!m);
            if (p.phaseStatus === undefined || p.phaseStatus === "SUCCEEDED" || messages.length === 0)
              return "-";
            return messages.join("; ");
          },
        },
      ]}
    />
  );
}

function Artifacts({ build }: { build: Build }) {
  const artifacts = build.artifacts;
  return (
    <Container header={<Header variant="h2">Artifacts</Header>}>
      {artifacts?.location ? (
        <KeyValuePairs
          columns={2}
          items={[
            { label: "Location", value: artifacts.location },
            ...(artifacts.sha256sum ? [{ label: "SHA-256", value: artifacts.sha256sum }] : []),
          ]}
        />
      ) : (
        <Box color="text-status-inactive">This build has no artifacts.</Box>
      )}
    </Container>
  );
}

function FailedTests({ report }: { report: TestReport }) {
  const query = useQuery({
    queryKey: ["codebuild", "report", report.arn, "failed"],
    queryFn: () => describeTestCases(report.arn, { status: "FAILED" }),
  });
  return (
    <Table
      variant="embedded"
      header={
        <Header variant="h3" counter={query.data ? `(${query.data.length})` : undefined}>
          Failed tests in {report.name ?? report.arn}
        </Header>
      }
      items={query.data ?? []}
      loading={query.isPending}
      loadingText="Loading test cases"
      empty={emptyOrError(query.error, <EmptyState title="No failed tests" />)}
      columnDefinitions={[
        { id: "name", header: "Test name", cell: (t) => t.name ?? "-", isRowHeader: true },
        { id: "prefix", header: "Prefix", cell: (t) => t.prefix ?? "-" },
        {
          id: "message",
          header: "Message",
          cell: (t) => <span style={{ whiteSpace: "pre-wrap" }}>{t.message || "-"}</span>,
        },
      ]}
    />
  );
}

function Reports({ build }: { build: Build }) {
  const arns = build.reportArns ?? [];
  const query = useQuery({
    queryKey: ["codebuild", "reports", ...arns],
    queryFn: () => batchGetReports(arns),
    refetchInterval: build.buildComplete ? false : POLL_INTERVAL,
  });
  const reports = query.data ?? [];
  const statusOrder = ["SUCCEEDED", "FAILED", "ERROR", "SKIPPED", "UNKNOWN"];
  return (
    <SpaceBetween size="l">
      <Table
        variant="container"
        header={<Header variant="h2">Reports</Header>}
        items={reports}
        loading={query.isPending}
        loadingText="Loading reports"
        trackBy="arn"
        empty={emptyOrError(query.error, <EmptyState title="No reports" />)}
        columnDefinitions={[
          { id: "name", header: "Report", cell: (r) => r.name ?? r.arn, isRowHeader: true },
          { id: "status", header: "Status", cell: (r) => <Status status={r.status} /> },
          { id: "total", header: "Total tests", cell: (r) => r.testSummary?.total ?? "-" },
          {
            id: "counts",
            header: "Results",
            cell: (r) => {
              const counts = r.testSummary?.statusCounts ?? {};
              const keys = Object.keys(counts).sort(
                (a, b) =>
                  (statusOrder.indexOf(a) + 1 || 99) - (statusOrder.indexOf(b) + 1 || 99) ||
                  a.localeCompare(b),
              );
              return keys.length === 0 ? "-" : keys.map((k) => `${k} ${counts[k]}`).join(" · ");
            },
          },
        ]}
      />
      {reports
        .filter((r) => (r.testSummary?.statusCounts?.FAILED ?? 0) > 0)
        .map((r) => (
          <Container key={r.arn}>
            <FailedTests report={r} />
          </Container>
        ))}
    </SpaceBetween>
  );
}

function StopBuild({ build }: { build: Build }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const stop = useMutation({
    mutationFn: () => stopBuild(build.id),
    onSuccess: async ({ build: stopped }) => {
      if (stopped) queryClient.setQueryData(buildKey(build.id), stopped);
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: buildKey(build.id) });
    },
  });
  return (
    <>
      <Button onClick={() => setConfirming(true)}>Stop build</Button>
      <Modal
        visible={confirming}
        onDismiss={() => {
          stop.reset();
          setConfirming(false);
        }}
        header="Stop build"
        footer={
          <DialogFooter
            onCancel={() => {
              stop.reset();
              setConfirming(false);
            }}
            primary="Stop"
            loading={stop.isPending}
            onPrimary={() => stop.mutate()}
          />
        }
      >
        <SpaceBetween size="m">
          <Box>
            Stop build <Box variant="strong">{build.id}</Box>? The phase running now ends and the build is
            marked Stopped.
          </Box>
          {stop.error && (
            <Alert type="error" header="The build was not stopped">
              {stop.error.message}
            </Alert>
          )}
        </SpaceBetween>
      </Modal>
    </>
  );
}

export default function BuildPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: buildKey(id),
    queryFn: () => fetchBuild(id),
    refetchInterval: (q) => (q.state.data?.buildComplete ? false : POLL_INTERVAL()),
  });
  const build = query.data;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={
            build ? (
              <SpaceBetween direction="horizontal" size="l">
                <Status status={build.buildStatus} />
                {build.projectName && (
                  <span>
                    Project:{" "}
                    <ConsoleLink path={projectPath(build.projectName)}>{build.projectName}</ConsoleLink>
                  </span>
                )}
              </SpaceBetween>
            ) : undefined
          }
          actions={build?.buildStatus === "IN_PROGRESS" ? <StopBuild build={build} /> : undefined}
        >
          {id}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {query.isPending && <StatusIndicator type="loading">Loading the build</StatusIndicator>}
        {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
        {build && <BuildDetails build={build} />}
        {build && <Phases build={build} />}
        {build && <Artifacts build={build} />}
        {build && (build.reportArns ?? []).length > 0 && <Reports build={build} />}
        {build && (
          <Container header={<Header variant="h2">Build logs</Header>}>
            <BuildLog
              buildId={id}
              onEnd={() => {
                void queryClient.invalidateQueries({ queryKey: buildKey(id) });
                if (build.projectName)
                  void queryClient.invalidateQueries({ queryKey: projectBuildsKey(build.projectName) });
              }}
            />
          </Container>
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
