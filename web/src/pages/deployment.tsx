// One deployment, like the CodeDeploy console's deployment page: its status and details, its
// rollback, the instances × lifecycle events grid refreshed until it ends, the diagnostics of
// failed events, and Stop deployment.
import { useEffect, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { AwsError } from "../api";
import { deploymentStyleText, revisionText } from "../components/deploy-format";
import { FailedEvents, LifecycleGrid } from "../components/lifecycle-grid";
import { type StopResult, StopDeploymentModal } from "../components/stop-deployment-modal";
import { formatDuration, formatTime } from "../format";
import { applicationPath, deploymentGroupPath, deploymentPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { deploymentKey, deploymentTargetsKey } from "../query-keys";
import { type DeploymentInfo, deploymentInstanceTargets, getDeployment } from "../services/codedeploy";
import { Status } from "../status";
import { ConsoleLink } from "../components/console-link";

const FINISHED = new Set(["Succeeded", "Failed", "Stopped"]);

async function fetchDeployment(id: string): Promise<DeploymentInfo> {
  const deployment = await getDeployment(id);
  if (!deployment) throw new AwsError("DeploymentDoesNotExistException", `No deployment ${id}.`, 400);
  return deployment;
}

/** A link to deployment `id`, named "<label> <id>" for screen readers. */
function DeploymentLink({ id, label }: { id: string; label: string }) {
  return (
    <ConsoleLink path={deploymentPath(id)} ariaLabel={`${label} ${id}`}>
      {id}
    </ConsoleLink>
  );
}

function Details({ deployment }: { deployment: DeploymentInfo }) {
  const app = deployment.applicationName;
  const group = deployment.deploymentGroupName;
  const rollback = deployment.rollbackInfo;
  return (
    <Container header={<Header variant="h2">Deployment details</Header>}>
      <KeyValuePairs
        columns={3}
        items={[
          { label: "Status", value: <Status status={deployment.status} /> },
          {
            label: "Application",
            value: app ? <ConsoleLink path={applicationPath(app)}>{app}</ConsoleLink> : "-",
          },
          {
            label: "Deployment group",
            value:
              app && group ? <ConsoleLink path={deploymentGroupPath(app, group)}>{group}</ConsoleLink> : "-",
          },
          { label: "Deployment configuration", value: deployment.deploymentConfigName ?? "-" },
          { label: "Deployment type", value: deploymentStyleText(deployment.deploymentStyle) },
          { label: "Revision", value: revisionText(deployment.revision) },
          { label: "Initiated by", value: deployment.creator ?? "-" },
          { label: "Description", value: deployment.description || "-" },
          { label: "Created", value: formatTime(deployment.createTime) },
          { label: "Started", value: formatTime(deployment.startTime) },
          { label: "Completed", value: formatTime(deployment.completeTime) },
          {
            label: "Duration",
            value:
              deployment.startTime === undefined
                ? "-"
                : formatDuration(deployment.startTime, deployment.completeTime),
          },
          ...(rollback?.rollbackDeploymentId
            ? [
                {
                  label: "Rollback deployment",
                  value: <DeploymentLink id={rollback.rollbackDeploymentId} label="Rollback deployment" />,
                },
              ]
            : []),
          ...(rollback?.rollbackTriggeringDeploymentId
            ? [
                {
                  label: "Rolls back deployment",
                  value: (
                    <DeploymentLink
                      id={rollback.rollbackTriggeringDeploymentId}
                      label="Rolls back deployment"
                    />
                  ),
                },
              ]
            : []),
          ...(rollback?.rollbackMessage
            ? [{ label: "Rollback message", value: rollback.rollbackMessage }]
            : []),
        ]}
      />
    </Container>
  );
}

function Overview({ deployment }: { deployment: DeploymentInfo }) {
  const overview = deployment.deploymentOverview ?? {};
  return (
    <Container header={<Header variant="h2">Deployment status</Header>}>
      <KeyValuePairs
        columns={6}
        items={["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready"].map((key) => ({
          label: key === "InProgress" ? "In progress" : key,
          value: String(overview[key] ?? 0),
        }))}
      />
    </Container>
  );
}

export default function DeploymentPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const [stopping, setStopping] = useState(false);
  const [stopResult, setStopResult] = useState<StopResult>();
  const query = useQuery({
    queryKey: deploymentKey(id),
    queryFn: () => fetchDeployment(id),
    refetchInterval: (q) => (FINISHED.has(q.state.data?.status ?? "") ? false : POLL_INTERVAL()),
  });
  const deployment = query.data;
  const finished = FINISHED.has(deployment?.status ?? "");
  const targets = useQuery({
    queryKey: deploymentTargetsKey(id),
    queryFn: () => deploymentInstanceTargets(id),
    enabled: deployment !== undefined,
    refetchInterval: finished ? false : POLL_INTERVAL,
  });
  // One more refresh of the grid when the deployment ends while the page is open, so it shows how
  // each instance ended.
  const wasFinished = useRef<boolean>(undefined);
  const loaded = deployment !== undefined;
  useEffect(() => {
    if (!loaded) return;
    if (finished && wasFinished.current === false) {
      void queryClient.invalidateQueries({ queryKey: deploymentTargetsKey(id) });
    }
    wasFinished.current = finished;
  }, [loaded, finished, id, queryClient]);

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={
            deployment ? (
              <div role="status" aria-label="Deployment status">
                <Status status={deployment.status} />
              </div>
            ) : undefined
          }
          actions={
            deployment && !finished ? (
              <Button onClick={() => setStopping(true)}>Stop deployment</Button>
            ) : undefined
          }
        >
          {id}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {stopResult && (
          <Alert
            type={stopResult.status === "Succeeded" ? "success" : "info"}
            header={`Stop deployment: ${stopResult.status ?? "requested"}`}
            dismissible
            onDismiss={() => setStopResult(undefined)}
          >
            {stopResult.statusMessage}
          </Alert>
        )}
        {query.isPending && <StatusIndicator type="loading">Loading the deployment</StatusIndicator>}
        {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
        {deployment?.errorInformation && (
          <Alert type="error" header={`Error: ${deployment.errorInformation.code ?? "unknown"}`}>
            {deployment.errorInformation.message}
          </Alert>
        )}
        {deployment && <Details deployment={deployment} />}
        {deployment && <Overview deployment={deployment} />}
        {deployment && (
          <LifecycleGrid targets={targets.data ?? []} loading={targets.isPending} error={targets.error} />
        )}
        {targets.data && <FailedEvents targets={targets.data} />}
      </SpaceBetween>
      {stopping && (
        <StopDeploymentModal
          deploymentId={id}
          onDismiss={() => setStopping(false)}
          onStopped={(result) => {
            setStopping(false);
            setStopResult(result);
            void queryClient.invalidateQueries({ queryKey: deploymentKey(id) });
          }}
        />
      )}
    </ContentLayout>
  );
}
