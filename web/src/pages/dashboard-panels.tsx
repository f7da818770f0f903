// The Dashboard's four tables, loaded after its frame has painted (dashboard.tsx): they and their
// styles cost more to load and render than the whole frame around them.
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import { queryTableProps } from "../components/table-states";
import { formatDuration, formatTime } from "../format";
import { buildPath, pipelinePath, projectPath, repositoryPath } from "../paths";
import { Status } from "../status";
import { ConsoleLink } from "../components/console-link";
import { deploymentColumns } from "../components/deployments-table";
import { buildsQuery, deploymentsQuery, pipelinesQuery, repositoriesQuery } from "./dashboard-queries";

function RepositoriesPanel() {
  const query = useQuery(repositoriesQuery);
  return (
    <Table
      variant="container"
      header={
        <Header
          variant="h2"
          description="Most recently changed"
          actions={<ConsoleLink path={"/repositories"}>View all</ConsoleLink>}
        >
          Repositories
        </Header>
      }
      {...queryTableProps(query, "repositories", {
        action: { text: "Create repository", path: "/repositories/create" },
      })}
      trackBy="repositoryName"
      columnDefinitions={[
        {
          id: "name",
          header: "Name",
          cell: (r) => <ConsoleLink path={repositoryPath(r.repositoryName)}>{r.repositoryName}</ConsoleLink>,
          isRowHeader: true,
        },
        { id: "description", header: "Description", cell: (r) => r.repositoryDescription || "-" },
        { id: "lastModified", header: "Last modified", cell: (r) => formatTime(r.lastModifiedDate) },
      ]}
    />
  );
}

function PipelinesPanel() {
  const query = useQuery(pipelinesQuery);
  return (
    <Table
      variant="container"
      header={<Header variant="h2">Pipelines</Header>}
      {...queryTableProps(query, "pipelines")}
      trackBy="pipelineName"
      columnDefinitions={[
        {
          id: "name",
          header: "Name",
          cell: (p) => <ConsoleLink path={pipelinePath(p.pipelineName)}>{p.pipelineName}</ConsoleLink>,
          isRowHeader: true,
        },
        {
          id: "stages",
          header: "Latest execution by stage",
          cell: (p) =>
            (p.stageStates ?? []).length === 0 ? (
              "-"
            ) : (
              <SpaceBetween direction="horizontal" size="m">
                {(p.stageStates ?? []).map((stage) => (
                  <SpaceBetween key={stage.stageName} direction="horizontal" size="xxs">
                    <Box variant="span" fontWeight="bold">
                      {stage.stageName}
                    </Box>
                    <Status status={stage.latestExecution?.status} />
                  </SpaceBetween>
                ))}
              </SpaceBetween>
            ),
        },
      ]}
    />
  );
}

function BuildsPanel() {
  const query = useQuery(buildsQuery);
  return (
    <Table
      variant="container"
      header={
        <Header
          variant="h2"
          actions={<ConsoleLink path={"/codebuild/projects"}>View build projects</ConsoleLink>}
        >
          Recent builds
        </Header>
      }
      {...queryTableProps(query, "builds")}
      trackBy="id"
      columnDefinitions={[
        {
          id: "id",
          header: "Build run",
          cell: (b) => <ConsoleLink path={buildPath(b.id)}>{b.id}</ConsoleLink>,
          isRowHeader: true,
        },
        {
          id: "project",
          header: "Project",
          cell: (b) =>
            b.projectName ? (
              <ConsoleLink path={projectPath(b.projectName)}>{b.projectName}</ConsoleLink>
            ) : (
              "-"
            ),
        },
        { id: "status", header: "Status", cell: (b) => <Status status={b.buildStatus} /> },
        { id: "started", header: "Started", cell: (b) => formatTime(b.startTime) },
        { id: "duration", header: "Duration", cell: (b) => formatDuration(b.startTime, b.endTime) },
      ]}
    />
  );
}

function DeploymentsPanel() {
  const query = useQuery(deploymentsQuery);
  return (
    <Table
      variant="container"
      header={
        <Header
          variant="h2"
          actions={<ConsoleLink path={"/codedeploy/deployments"}>View all deployments</ConsoleLink>}
        >
          Deployments in progress
        </Header>
      }
      {...queryTableProps(query, "deployments", {
        title: "No deployments in progress",
        subtitle: "No deployments are running.",
      })}
      trackBy="deploymentId"
      columnDefinitions={[
        deploymentColumns.id,
        deploymentColumns.application,
        deploymentColumns.group,
        deploymentColumns.status,
      ]}
    />
  );
}

export default function DashboardPanels() {
  return (
    <SpaceBetween size="l">
      <RepositoriesPanel />
      <PipelinesPanel />
      <BuildsPanel />
      <DeploymentsPanel />
    </SpaceBetween>
  );
}
