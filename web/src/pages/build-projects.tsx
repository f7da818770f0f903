// All build projects, like the CodeBuild console's Build projects page: pick one to start a build.
import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Table from "@cloudscape-design/components/table";
import { queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { buildPath, projectPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { BUILD_PROJECTS_KEY } from "../query-keys";
import { followLink, href, navigate } from "../router";
import { batchGetProjects, listProjects, type Project, startBuild } from "../services/codebuild";
import { ConsoleLink } from "../components/console-link";

/** Every project by name: ListProjects page by page, then BatchGetProjects. */
async function fetchAllProjects(): Promise<Project[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listProjects({
      sortBy: "NAME",
      sortOrder: "ASCENDING",
      ...(nextToken && { nextToken }),
    });
    names.push(...(page.projects ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return names.length === 0 ? [] : batchGetProjects(names);
}

export default function BuildProjectsPage() {
  const query = useQuery({
    queryKey: BUILD_PROJECTS_KEY,
    queryFn: fetchAllProjects,
    refetchInterval: POLL_INTERVAL,
  });
  const [selected, setSelected] = useState<Project[]>([]);
  // The selection follows the refreshed list, and drops a project that is gone.
  const selectedName = selected[0]?.name;
  const current = query.data?.find((p) => p.name === selectedName);

  const start = useMutation({
    mutationFn: (projectName: string) => startBuild({ projectName }),
    onSuccess: ({ build }) => {
      if (build?.id) navigate(buildPath(build.id));
    },
  });

  return (
    <SpaceBetween size="m">
      {start.error && (
        <Alert type="error" header="The build did not start" dismissible onDismiss={() => start.reset()}>
          {start.error.message}
        </Alert>
      )}
      <Table
        variant="full-page"
        header={
          <Header
            variant="h1"
            counter={query.data ? `(${query.data.length})` : undefined}
            description="A build project says where the source is, how to build it and where the artifacts go."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button
                  disabled={!current}
                  loading={start.isPending}
                  onClick={() => {
                    if (current && !start.isPending) start.mutate(current.name);
                  }}
                >
                  Start build
                </Button>
                <Button variant="primary" href={href("/codebuild/projects/create")} onFollow={followLink}>
                  Create build project
                </Button>
              </SpaceBetween>
            }
          >
            Build projects
          </Header>
        }
        selectionType="single"
        selectedItems={current ? [current] : []}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: "Build projects",
          itemSelectionLabel: (_, item) => `Select ${item.name}`,
          allItemsSelectionLabel: () => "Select all",
        }}
        {...queryTableProps(query, "build projects")}
        trackBy="name"
        columnDefinitions={[
          {
            id: "name",
            header: "Name",
            cell: (p) => <ConsoleLink path={projectPath(p.name)}>{p.name}</ConsoleLink>,
            isRowHeader: true,
          },
          { id: "sourceType", header: "Source type", cell: (p) => p.source?.type ?? "-" },
          { id: "sourceLocation", header: "Source location", cell: (p) => p.source?.location || "-" },
          { id: "lastModified", header: "Last modified", cell: (p) => formatTime(p.lastModified) },
        ]}
      />
    </SpaceBetween>
  );
}
