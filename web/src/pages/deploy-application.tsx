// One CodeDeploy application: its details, its deployment groups with their last deployments, and
// its recent deployments.
import { useQuery } from "@tanstack/react-query";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { AwsError } from "../api";
import { deploymentStyleText, LastDeployment } from "../components/deploy-format";
import { DeploymentsTable } from "../components/deployments-table";
import { queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { deploymentGroupPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { applicationKey, deploymentGroupsKey } from "../query-keys";
import {
  type ApplicationInfo,
  batchGetDeploymentGroups,
  getApplication,
  listDeploymentGroups,
} from "../services/codedeploy";
import { ConsoleLink } from "../components/console-link";

async function fetchApplication(name: string): Promise<ApplicationInfo> {
  const application = await getApplication(name);
  if (!application) throw new AwsError("ApplicationDoesNotExistException", `No application ${name}.`, 400);
  return application;
}

async function fetchGroups(applicationName: string) {
  const names = await listDeploymentGroups(applicationName);
  const groups = names.length === 0 ? [] : await batchGetDeploymentGroups(applicationName, names);
  return groups.sort((a, b) => a.deploymentGroupName.localeCompare(b.deploymentGroupName));
}

function DeploymentGroups({ applicationName }: { applicationName: string }) {
  const query = useQuery({
    queryKey: deploymentGroupsKey(applicationName),
    queryFn: () => fetchGroups(applicationName),
    refetchInterval: POLL_INTERVAL,
  });
  return (
    <Table
      variant="container"
      header={
        <Header variant="h2" counter={query.data ? `(${query.data.length})` : undefined}>
          Deployment groups
        </Header>
      }
      {...queryTableProps(query, "deployment groups", {
        subtitle: "This application has no deployment groups.",
      })}
      trackBy="deploymentGroupName"
      columnDefinitions={[
        {
          id: "name",
          header: "Name",
          cell: (g) => (
            <ConsoleLink path={deploymentGroupPath(applicationName, g.deploymentGroupName)}>
              {g.deploymentGroupName}
            </ConsoleLink>
          ),
          isRowHeader: true,
        },
        { id: "config", header: "Deployment configuration", cell: (g) => g.deploymentConfigName ?? "-" },
        { id: "style", header: "Deployment type", cell: (g) => deploymentStyleText(g.deploymentStyle) },
        {
          id: "attempted",
          header: "Last attempted deployment",
          cell: (g) => <LastDeployment info={g.lastAttemptedDeployment} />,
        },
        {
          id: "successful",
          header: "Last successful deployment",
          cell: (g) => <LastDeployment info={g.lastSuccessfulDeployment} />,
        },
      ]}
    />
  );
}

export default function ApplicationPage({ name }: { name: string }) {
  const query = useQuery({ queryKey: applicationKey(name), queryFn: () => fetchApplication(name) });
  const application = query.data;
  return (
    <ContentLayout header={<Header variant="h1">{name}</Header>}>
      <SpaceBetween size="l">
        {query.isPending && <StatusIndicator type="loading">Loading the application</StatusIndicator>}
        {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
        {application && (
          <Container header={<Header variant="h2">Application details</Header>}>
            <KeyValuePairs
              columns={3}
              items={[
                { label: "Name", value: application.applicationName },
                { label: "Application ID", value: application.applicationId ?? "-" },
                { label: "Compute platform", value: application.computePlatform ?? "-" },
                { label: "Created", value: formatTime(application.createTime) },
              ]}
            />
          </Container>
        )}
        {application && <DeploymentGroups applicationName={name} />}
        {application && (
          <DeploymentsTable applicationName={name} header={{ text: "Deployment history", variant: "h2" }} />
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
