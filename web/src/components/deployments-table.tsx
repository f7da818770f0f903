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
import {
  batchGetDeployments,
  type DeploymentInfo,
  listDeploymentGroups,
  listDeployments,
} from "../services/codedeploy";
import { Status } from "../status";
import { loadMoreFooter, queryTableProps } from "./table-states";
import { ConsoleLink } from "./console-link";

/** Where the next page starts: ListDeployments' token, or for an application, one per group with more. */
type GroupCursor = { group: string; nextToken?: string }[];
type Cursor = string | GroupCursor | undefined;

/**
 * One page of ListDeployments (AWS's page size), then BatchGetDeployments. An application's
 * deployments are its groups' (ListDeployments takes an application only with one of its groups,
 * as on AWS): a page holds the next page of every group that has more.
 */
async function fetchDeployments(
  scope: { applicationName?: string; deploymentGroupName?: string },
  cursor: Cursor,
): Promise<{ deployments: DeploymentInfo[]; next: Cursor }> {
  let ids: string[];
  let next: Cursor;
  const { applicationName } = scope;
  if (applicationName !== undefined && scope.deploymentGroupName === undefined) {
    const groups = Array.isArray(cursor)
      ? cursor
      : (await listDeploymentGroups(applicationName)).map((group): GroupCursor[number] => ({ group }));
    const pages = await Promise.all(
      groups.map(async ({ group, nextToken }) => ({
        group,
        page: await listDeployments({
          applicationName,
          deploymentGroupName: group,
          ...(nextToken && { nextToken }),
        }),
      })),
    );
    ids = pages.flatMap(({ page }) => page.deployments ?? []);
    const more = pages.flatMap(({ group, page }) =>
      page.nextToken ? [{ group, nextToken: page.nextToken }] : [],
    );
    next = more.length > 0 ? more : undefined;
  } else {
    const nextToken = typeof cursor === "string" ? cursor : undefined;
    const page = await listDeployments({ ...scope, ...(nextToken && { nextToken }) });
    ids = page.deployments ?? [];
    next = page.nextToken;
  }
  const deployments = ids.length === 0 ? [] : await batchGetDeployments(ids);
  return { deployments, next };
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
    initialPageParam: undefined as Cursor,
    getNextPageParam: (page) => page.next,
    refetchInterval: POLL_INTERVAL,
  });
  // Newest first across the pages loaded: an application's later pages hold several groups' older ones.
  const items = query.data?.pages
    .flatMap((page) => page.deployments)
    .sort((a, b) => (b.createTime ?? 0) - (a.createTime ?? 0));
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
