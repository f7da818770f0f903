// One place that maps the services' status words onto Cloudscape's status indicators.
import StatusIndicator, { type StatusIndicatorProps } from "@cloudscape-design/components/status-indicator";

type Kind = StatusIndicatorProps.Type;

const kinds: Record<string, Kind> = {
  // CodePipeline stage and execution statuses
  Succeeded: "success",
  Failed: "error",
  InProgress: "in-progress",
  Stopping: "in-progress",
  Stopped: "stopped",
  Cancelled: "stopped",
  Superseded: "stopped",
  Skipped: "stopped",
  Abandoned: "stopped",
  // CodeBuild build statuses
  SUCCEEDED: "success",
  FAILED: "error",
  FAULT: "error",
  TIMED_OUT: "error",
  IN_PROGRESS: "in-progress",
  STOPPED: "stopped",
  // CodeBuild test report statuses (SUCCEEDED and FAILED as above)
  GENERATING: "in-progress",
  INCOMPLETE: "warning",
  // CodeDeploy deployment statuses (Succeeded, Failed, InProgress, Stopped as above)
  Created: "pending",
  Queued: "pending",
  Ready: "pending",
  Baking: "in-progress",
  // CodeDeploy instance and lifecycle event statuses
  Pending: "pending",
  Unknown: "info",
};

const labels: Record<string, string> = {
  InProgress: "In progress",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  FAULT: "Fault",
  TIMED_OUT: "Timed out",
  IN_PROGRESS: "In progress",
  STOPPED: "Stopped",
  GENERATING: "Generating",
  INCOMPLETE: "Incomplete",
};

/** A status word as a Cloudscape status indicator; no status at all reads "Not run". */
export function Status({ status }: { status: string | undefined }) {
  if (status === undefined) return <StatusIndicator type="pending">Not run</StatusIndicator>;
  return <StatusIndicator type={kinds[status] ?? "info"}>{labels[status] ?? status}</StatusIndicator>;
}
