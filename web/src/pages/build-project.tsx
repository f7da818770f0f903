// One build project: its settings, its badge, and its build history, newest first.
import { useState } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import CopyToClipboard from "@cloudscape-design/components/copy-to-clipboard";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { AwsError } from "../api";
import { StartBuildModal } from "../components/start-build-modal";
import { loadMoreFooter, queryTableProps } from "../components/table-states";
import { formatDuration, formatTime } from "../format";
import { buildPath, projectPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { buildProjectKey, projectBuildsKey } from "../query-keys";
import { followLink, href } from "../router";
import {
  batchGetBuilds,
  batchGetProjects,
  type Build,
  listBuildsForProject,
  type Project,
} from "../services/codebuild";
import { Status } from "../status";
import { ConsoleLink } from "../components/console-link";

/** How many builds one page of the history lists (ListBuildsForProject's own page size). */
const HISTORY_PAGE = 100;

async function fetchProject(name: string): Promise<Project> {
  const [project] = await batchGetProjects([name]);
  if (!project) throw new AwsError("ResourceNotFoundException", `Build project ${name} does not exist.`, 400);
  return project;
}

function buildspecSource(project: Project): string {
  const spec = project.source?.buildspec;
  if (!spec) return "File: buildspec.yml in the source";
  // An inline buildspec is YAML with "version:" in it; anything else names a file.
  return /\n/.test(spec) || /^\s*version\s*:/m.test(spec) ? "Inline buildspec" : `File: ${spec}`;
}

function ProjectDetails({ project }: { project: Project }) {
  const inline = buildspecSource(project) === "Inline buildspec";
  return (
    <Container header={<Header variant="h2">Project details</Header>}>
      <SpaceBetween size="l">
        <KeyValuePairs
          columns={3}
          items={[
            { label: "Description", value: project.description || "-" },
            { label: "Source type", value: project.source?.type ?? "-" },
            { label: "Source location", value: project.source?.location || "-" },
            { label: "Buildspec", value: buildspecSource(project) },
            { label: "Environment image", value: project.environment?.image ?? "-" },
            { label: "Compute type", value: project.environment?.computeType ?? "-" },
            { label: "Artifacts type", value: project.artifacts?.type ?? "-" },
            { label: "Service role", value: project.serviceRole ?? "-" },
            { label: "Last modified", value: formatTime(project.lastModified) },
          ]}
        />
        {inline && (
          <div>
            <Box variant="awsui-key-label">Inline buildspec</Box>
            <Box variant="code">
              <pre style={{ margin: 0, whiteSpace: "pre-wrap" }}>{project.source?.buildspec}</pre>
            </Box>
          </div>
        )}
      </SpaceBetween>
    </Container>
  );
}

function BadgeSection({ url }: { url: string }) {
  const markdown = `![Build status](${url})`;
  return (
    <Container header={<Header variant="h2">Badge</Header>}>
      <KeyValuePairs
        columns={1}
        items={[
          {
            label: "Badge URL",
            value: (
              <CopyToClipboard
                variant="inline"
                textToCopy={url}
                copyButtonAriaLabel="Copy the badge URL"
                copySuccessText="Badge URL copied"
                copyErrorText="Badge URL not copied"
              />
            ),
          },
          {
            label: "Markdown",
            value: (
              <CopyToClipboard
                variant="inline"
                textToCopy={markdown}
                copyButtonAriaLabel="Copy the badge Markdown"
                copySuccessText="Badge Markdown copied"
                copyErrorText="Badge Markdown not copied"
              />
            ),
          },
        ]}
      />
    </Container>
  );
}

function BuildHistory({ projectName }: { projectName: string }) {
  const query = useInfiniteQuery({
    queryKey: projectBuildsKey(projectName),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }): Promise<{ builds: Build[]; nextToken?: string }> => {
      const page = await listBuildsForProject({
        projectName,
        sortOrder: "DESCENDING",
        ...(pageParam && { nextToken: pageParam }),
      });
      const ids = (page.ids ?? []).slice(0, HISTORY_PAGE);
      const builds = ids.length === 0 ? [] : await batchGetBuilds(ids);
      return { builds, ...(page.nextToken && { nextToken: page.nextToken }) };
    },
    getNextPageParam: (last) => last.nextToken,
    refetchInterval: POLL_INTERVAL,
  });
  const builds = query.data?.pages.flatMap((page) => page.builds) ?? [];
  return (
    <Table
      variant="container"
      header={
        <Header
          variant="h2"
          counter={query.data ? `(${builds.length}${query.hasNextPage ? "+" : ""})` : undefined}
        >
          Build history
        </Header>
      }
      {...queryTableProps({ data: builds, isPending: query.isPending, error: query.error }, "builds", {
        subtitle: "This project has not been built yet.",
      })}
      trackBy="id"
      columnDefinitions={[
        { id: "number", header: "Build number", cell: (b) => b.buildNumber ?? "-" },
        {
          id: "id",
          header: "Build run",
          cell: (b) => <ConsoleLink path={buildPath(b.id)}>{b.id}</ConsoleLink>,
          isRowHeader: true,
        },
        { id: "status", header: "Status", cell: (b) => <Status status={b.buildStatus} /> },
        { id: "sourceVersion", header: "Source version", cell: (b) => b.sourceVersion || "-" },
        { id: "started", header: "Started", cell: (b) => formatTime(b.startTime) },
        { id: "duration", header: "Duration", cell: (b) => formatDuration(b.startTime, b.endTime) },
      ]}
      footer={loadMoreFooter(query, "Load more builds")}
    />
  );
}

export default function BuildProjectPage({ name }: { name: string }) {
  const query = useQuery({ queryKey: buildProjectKey(name), queryFn: () => fetchProject(name) });
  const [starting, setStarting] = useState(false);
  const project = query.data;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={project?.description}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button href={href(`${projectPath(name)}/edit`)} onFollow={followLink} disabled={!project}>
                Edit
              </Button>
              <Button variant="primary" disabled={!project} onClick={() => setStarting(true)}>
                Start build
              </Button>
            </SpaceBetween>
          }
        >
          {name}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {query.isPending && <StatusIndicator type="loading">Loading the build project</StatusIndicator>}
        {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
        {project && <ProjectDetails project={project} />}
        {project?.badge?.badgeEnabled && project.badge.badgeRequestUrl && (
          <BadgeSection url={project.badge.badgeRequestUrl} />
        )}
        {project && <BuildHistory projectName={name} />}
      </SpaceBetween>
      {project && (
        <StartBuildModal projectName={name} visible={starting} onDismiss={() => setStarting(false)} />
      )}
    </ContentLayout>
  );
}
