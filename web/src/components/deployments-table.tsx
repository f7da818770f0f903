// A list of CodeDeploy deployments, newest first: all of them, an application's or a deployment
// group's. The Deployments page, the application and the deployment group pages share it.
import type { ReactNode } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import Header from "@cloudscape-design/components/header";
import Table, { type TableProps } from "@cloudscape-design/components/table";
import { formatDuration, formatTime } from "../format";
import { applicationPath, deploymentGroupPath, deploymentPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { DEPLOYMENTS_KEY } from "../query-keys";
import { batchGetDeployments, type DeploymentInfo, listDeployments } from "../services/codedeploy";
import { Status } from "../status";
import { loadMoreFooter, queryTableProps } from "./table-states";
import { ConsoleLink } from "./console-link";

/** One page of ListDeployments (AWS's page size), then BatchGetDeployments, newest first. */
async function fetchDeployments(
  scope: { applicationName?: string; deploymentGroupName?: string },
  nextToken: string | undefined,
): Promise<{ deployments: DeploymentInfo[]; nextToken?: string }> {
  const page = await listDeployments({ ...scope, ...(nextToken && { nextToken }) });
  const ids = page.deployments ?? [];
  const deployments = ids.length === 0 ? [] : await batchGetDeployments(ids);
  deployments.sort((a, b) => (b.createTime ?? 0) - (a.createTime ?? 0));
  return { deployments, ...(page.nextToken && { nextToken: page.nextToken }) };
}

/** The columns that say which deployment a row is, where it runs and how it stands, each linked. */
export const deploymentColumns = {
  id: {
    id: "id",
    header: "Deployment ID",
    cell: (d) => <ConsoleLink path={deploymentPath(d.deploymentId)}>{d.deploymentId}</ConsoleLink>,
    isRowHeader: true,
  },
  status: { id: "status", header: "Status", cell: (d) => <Status status={d.status} /> },
  application: {
    id: "application",
    header: "Application",
    cell: (d) =>
      d.applicationName ? (
        <ConsoleLink path={applicationPath(d.applicationName)}>{d.applicationName}</ConsoleLink>
      ) : (
        "-"
      ),
  },
  group: {
    id: "group",
    header: "Deployment group",
    cell: (d) =>
      d.applicationName && d.deploymentGroupName ? (
        <ConsoleLink path={deploymentGroupPath(d.applicationName, d.deploymentGroupName)}>
          {d.deploymentGroupName}
        </ConsoleLink>
      ) : (
        "-"
      ),
  },
} satisfies Record<string, TableProps.ColumnDefinition<DeploymentInfo>>;

export function DeploymentsTable({
  applicationName,
  deploymentGroupName,
  header,
  variant = "container",
}: {
  applicationName?: string;
  deploymentGroupName?: string;
  header: { text: string; variant: "h1" | "h2"; description?: string; actions?: ReactNode };
  variant?: TableProps.Variant;
}) {
  const query = useInfiniteQuery({
    queryKey: [...DEPLOYMENTS_KEY, applicationName ?? "", deploymentGroupName ?? ""],
    queryFn: ({ pageParam }) =>
      fetchDeployments(
        {
          ...(applicationName !== undefined && { applicationName }),
          ...(deploymentGroupName !== undefined && { deploymentGroupName }),
        },
        pageParam,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextToken,
    refetchInterval: POLL_INTERVAL,
  });
  const items = query.data?.pages.flatMap((page) => page.deployments);
  const columns: TableProps.ColumnDefinition<DeploymentInfo>[] = [
    deploymentColumns.id,
    deploymentColumns.status,
  ];
  if (applicationName === undefined) columns.push(deploymentColumns.application);
  if (deploymentGroupName === undefined) columns.push(deploymentColumns.group);
  columns.push(
    { id: "creator", header: "Initiated by", cell: (d) => d.creator ?? "-" },
    { id: "created", header: "Created", cell: (d) => formatTime(d.createTime) },
    { id: "completed", header: "Completed", cell: (d) => formatTime(d.completeTime) },
    {
      id: "duration",
      header: "Duration",
      cell: (d) => (d.startTime === undefined ? "-" : formatDuration(d.startTime, d.completeTime)),
    },
  );
  return (
    <Table
      variant={variant}
      header={
        <Header
          variant={header.variant}
          counter={items ? `(${items.length}${query.hasNextPage ? "+" : ""})` : undefined}
          description={header.description}
          actions={header.actions}
        >
          {header.text}
        </Header>
      }
      {...queryTableProps({ data: items, isPending: query.isPending, error: query.error }, "deployments")}
      trackBy="deploymentId"
      columnDefinitions={columns}
      footer={loadMoreFooter(query)}
    />
  );
}
