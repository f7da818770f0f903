// "One dashboard to view all your components": the latest repositories, pipelines, builds and
// the deployments still running, each refreshed when the server pushes a change to it.
import { startTransition, useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import { queryTableProps } from "../components/table-states";
import { formatDuration, formatTime } from "../format";
import {
  applicationPath,
  buildPath,
  deploymentPath,
  pipelinePath,
  projectPath,
  repositoryPath,
} from "../paths";
import { POLL_INTERVAL } from "../query";
import { DASHBOARD_REPOSITORIES_KEY } from "../query-keys";
import { followLink, href } from "../router";
import { batchGetBuilds, listBuilds } from "../services/codebuild";
import { batchGetRepositories, listRepositories } from "../services/codecommit";
import { batchGetDeployments, listDeployments } from "../services/codedeploy";
import { getPipelineState, listPipelines, type PipelineState } from "../services/codepipeline";
import { Status } from "../status";
import { ConsoleLink } from "../components/console-link";

/** How many of the newest repositories and builds the dashboard lists. */
const RECENT = 10;

const ACTIVE_DEPLOYMENT_STATUSES = ["Created", "Queued", "InProgress", "Ready"];

function RepositoriesPanel() {
  const query = useQuery({
    queryKey: DASHBOARD_REPOSITORIES_KEY,
    queryFn: async () => {
      const page = await listRepositories({ sortBy: "lastModifiedDate", order: "descending" });
      const names = (page.repositories ?? []).slice(0, RECENT).map((r) => r.repositoryName);
      return names.length === 0 ? [] : batchGetRepositories(names);
    },
    refetchInterval: POLL_INTERVAL,
  });
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
  const query = useQuery({
    queryKey: ["dashboard", "pipelines"],
    queryFn: async (): Promise<PipelineState[]> => {
      const page = await listPipelines({});
      const names = (page.pipelines ?? []).map((p) => p.name);
      // A pipeline deleted between the two calls still shows, without stages, rather than
      // failing the whole panel.
      const states = await Promise.allSettled(names.map((name) => getPipelineState(name)));
      return names.map((name, i) => {
        const state = states[i];
        return state?.status === "fulfilled" ? state.value : { pipelineName: name };
      });
    },
    refetchInterval: POLL_INTERVAL,
  });
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
  const query = useQuery({
    queryKey: ["dashboard", "builds"],
    queryFn: async () => {
      const page = await listBuilds({ sortOrder: "DESCENDING" });
      const ids = (page.ids ?? []).slice(0, RECENT);
      return ids.length === 0 ? [] : batchGetBuilds(ids);
    },
    refetchInterval: POLL_INTERVAL,
  });
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
  const query = useQuery({
    queryKey: ["dashboard", "deployments"],
    queryFn: async () => {
      const page = await listDeployments({ includeOnlyStatuses: ACTIVE_DEPLOYMENT_STATUSES });
      const ids = page.deployments ?? [];
      return ids.length === 0 ? [] : batchGetDeployments(ids);
    },
    refetchInterval: POLL_INTERVAL,
  });
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
        {
          id: "id",
          header: "Deployment ID",
          cell: (d) => <ConsoleLink path={deploymentPath(d.deploymentId)}>{d.deploymentId}</ConsoleLink>,
          isRowHeader: true,
        },
        {
          id: "application",
          header: "Application",
          cell: (d) =>
            d.applicationName ? (
              <ConsoleLink path={applicationPath(d.applicationName)}>{d.applicationName}</ConsoleLink>
            ) : (
              "-"
            ),
        },
        { id: "group", header: "Deployment group", cell: (d) => d.deploymentGroupName ?? "-" },
        { id: "status", header: "Status", cell: (d) => <Status status={d.status} /> },
      ]}
    />
  );
}

/**
 * True from the first frame after the page painted. The four tables cost more to render than the
 * whole frame around them, so the heading, the navigation and the page's actions paint and answer
 * first, and the tables follow in a transition, which yields to input.
 */
function useAfterFirstPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setPainted(true)));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);
  return painted;
}

export default function DashboardPage() {
  const painted = useAfterFirstPaint();
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          actions={
            <Button variant="primary" href={href("/projects/create")} onFollow={followLink}>
              Create project
            </Button>
          }
        >
          Dashboard
        </Header>
      }
    >
      <SpaceBetween size="l">
        {painted && (
          <>
            <RepositoriesPanel />
            <PipelinesPanel />
            <BuildsPanel />
            <DeploymentsPanel />
          </>
        )}
      </SpaceBetween>
    </ContentLayout>
  );
}
