// A deployment's instances × lifecycle events: one row per instance target, one column per
// lifecycle event in the order the targets report them, each cell the event's status and duration;
// and, for each failed event, its diagnostics with the script's log tail.
import Box from "@cloudscape-design/components/box";
import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table, { type TableProps } from "@cloudscape-design/components/table";
import { formatDuration, formatTime } from "../format";
import type { InstanceTarget, LifecycleEvent } from "../services/codedeploy";
import { Status } from "../status";
import { EmptyState, emptyOrError } from "./table-states";

/** The lifecycle event names of all targets, in the order they come (the order they run). */
export function lifecycleEventNames(targets: readonly InstanceTarget[]): string[] {
  const names: string[] = [];
  for (const target of targets) {
    let at = 0;
    for (const event of target.lifecycleEvents ?? []) {
      const name = event.lifecycleEventName;
      if (!name) continue;
      const found = names.indexOf(name);
      if (found === -1) names.splice(at, 0, name);
      at = (found === -1 ? at : found) + 1;
    }
  }
  return names;
}

function eventOf(target: InstanceTarget, name: string): LifecycleEvent | undefined {
  return target.lifecycleEvents?.find((e) => e.lifecycleEventName === name);
}

function EventCell({ event }: { event: LifecycleEvent | undefined }) {
  if (!event) return <>-</>;
  return (
    <SpaceBetween size="xxs">
      <Status status={event.status} />
      {event.startTime !== undefined && (
        <Box variant="small" color="text-body-secondary">
          {formatDuration(event.startTime, event.endTime)}
        </Box>
      )}
    </SpaceBetween>
  );
}

export function LifecycleGrid({
  targets,
  loading,
  error,
}: {
  targets: InstanceTarget[];
  loading: boolean;
  error: Error | null;
}) {
  const columns: TableProps.ColumnDefinition<InstanceTarget>[] = [
    { id: "instance", header: "Instance", cell: (t) => t.targetId ?? "-", isRowHeader: true },
    { id: "status", header: "Status", cell: (t) => <Status status={t.status} />, minWidth: 130 },
    ...lifecycleEventNames(targets).map((name): TableProps.ColumnDefinition<InstanceTarget> => ({
      id: `event-${name}`,
      header: name,
      cell: (t) => <EventCell event={eventOf(t, name)} />,
    })),
  ];
  return (
    <Table
      variant="container"
      header={
        <Header
          variant="h2"
          counter={`(${targets.length})`}
          description="Each instance's lifecycle events, in the order they run."
        >
          Deployment lifecycle events
        </Header>
      }
      ariaLabels={{ tableLabel: "Lifecycle events by instance" }}
      items={targets}
      loading={loading}
      loadingText="Loading the instances"
      trackBy="targetId"
      wrapLines
      empty={emptyOrError(
        error,
        <EmptyState title="No instances" subtitle="This deployment has no targets." />,
      )}
      columnDefinitions={columns}
    />
  );
}

/** The diagnostics of each failed lifecycle event: what failed, its message and the log tail. */
export function FailedEvents({ targets }: { targets: InstanceTarget[] }) {
  const failed = targets.flatMap((target) =>
    (target.lifecycleEvents ?? [])
      .filter((e) => e.status === "Failed")
      .map((event) => ({ target: target.targetId ?? "-", event })),
  );
  if (failed.length === 0) return null;
  return (
    <Container header={<Header variant="h2">Failed lifecycle events</Header>}>
      <SpaceBetween size="l">
        {failed.map(({ target, event }) => {
          const name = event.lifecycleEventName ?? "-";
          const diagnostics = event.diagnostics;
          return (
            <SpaceBetween key={`${target}/${name}`} size="s">
              <Box variant="h3">
                {name} on {target}
              </Box>
              <KeyValuePairs
                columns={4}
                items={[
                  { label: "Error code", value: diagnostics?.errorCode ?? "-" },
                  { label: "Script", value: diagnostics?.scriptName || "-" },
                  { label: "Message", value: diagnostics?.message || "-" },
                  { label: "Ended", value: formatTime(event.endTime) },
                ]}
              />
              {diagnostics?.logTail ? (
                <div>
                  <Box variant="awsui-key-label">Log tail</Box>
                  <Box variant="code">
                    <pre
                      role="region"
                      aria-label={`Log tail of ${name} on ${target}`}
                      style={{ margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
                    >
                      {diagnostics.logTail}
                    </pre>
                  </Box>
                </div>
              ) : (
                <Box color="text-status-inactive">The script wrote nothing to its log.</Box>
              )}
            </SpaceBetween>
          );
        })}
      </SpaceBetween>
    </Container>
  );
}
