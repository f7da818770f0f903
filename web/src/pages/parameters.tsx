// Parameter Store's My parameters page. Values stay hidden: the list is DescribeParameters only,
// and a value is fetched (GetParameter, decrypted) when its row's Show value is pressed, then
// dropped from the cache when it is hidden again.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { EmptyState, emptyOrError, loadMoreFooter } from "../components/table-states";
import { formatTime } from "../format";
import { PARAMETERS_KEY, parameterValueKey } from "../query-keys";
import { followLink, href } from "../router";
import { useRevealed } from "../reveal";
import { describeParameters, getParameterValue, type ParameterMetadata } from "../services/ssm";

const PAGE_SIZE = 50;

function ParameterValue({
  parameter,
  revealed,
  onReveal,
  onHide,
}: {
  parameter: ParameterMetadata;
  revealed: boolean;
  onReveal: () => void;
  onHide: () => void;
}) {
  const value = useQuery({
    queryKey: parameterValueKey(parameter.Name),
    queryFn: () => getParameterValue(parameter.Name),
    enabled: revealed,
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
  });
  if (!revealed) {
    return (
      <SpaceBetween direction="horizontal" size="xs" alignItems="center">
        {parameter.Type === "SecureString" && <span title="Hidden SecureString value">••••••</span>}
        <Button variant="inline-link" ariaLabel={`Show value of ${parameter.Name}`} onClick={onReveal}>
          Show value
        </Button>
      </SpaceBetween>
    );
  }
  const hide = (
    <Button variant="inline-link" ariaLabel={`Hide value of ${parameter.Name}`} onClick={onHide}>
      Hide value
    </Button>
  );
  if (value.isPending) {
    return (
      <SpaceBetween direction="horizontal" size="xs" alignItems="center">
        <StatusIndicator type="loading">Loading value</StatusIndicator>
        {hide}
      </SpaceBetween>
    );
  }
  if (value.isError) {
    return (
      <SpaceBetween direction="horizontal" size="xs" alignItems="center">
        <StatusIndicator type="error">{value.error.message}</StatusIndicator>
        {hide}
      </SpaceBetween>
    );
  }
  return (
    <SpaceBetween direction="horizontal" size="xs" alignItems="center">
      <Box variant="code">
        <span style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>{value.data.Value ?? ""}</span>
      </Box>
      {hide}
    </SpaceBetween>
  );
}

export default function ParametersPage() {
  const { revealed, reveal, hide } = useRevealed(parameterValueKey);
  const query = useInfiniteQuery({
    queryKey: PARAMETERS_KEY,
    queryFn: ({ pageParam }) =>
      describeParameters({ MaxResults: PAGE_SIZE, ...(pageParam && { NextToken: pageParam }) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.NextToken || undefined,
  });
  const items = query.data?.pages.flatMap((page) => page.Parameters ?? []) ?? [];

  const createButton = (
    <Button variant="primary" href={href("/ssm/parameters/create")} onFollow={followLink}>
      Create parameter
    </Button>
  );
  return (
    <Table
      variant="full-page"
      header={
        <Header
          variant="h1"
          counter={query.data ? `(${items.length}${query.hasNextPage ? "+" : ""})` : undefined}
          actions={createButton}
        >
          Parameters
        </Header>
      }
      items={items}
      loading={query.isPending}
      loadingText="Loading parameters"
      trackBy="Name"
      empty={emptyOrError(
        query.error,
        <EmptyState
          title="No parameters"
          subtitle="No parameters to display."
          action={{ text: "Create parameter", path: "/ssm/parameters/create" }}
        />,
      )}
      columnDefinitions={[
        { id: "name", header: "Name", cell: (p) => p.Name, isRowHeader: true },
        { id: "type", header: "Type", cell: (p) => p.Type ?? "-" },
        { id: "version", header: "Version", cell: (p) => p.Version ?? "-" },
        { id: "lastModified", header: "Last modified", cell: (p) => formatTime(p.LastModifiedDate) },
        {
          id: "value",
          header: "Value",
          cell: (p) => (
            <ParameterValue
              parameter={p}
              revealed={revealed.has(p.Name)}
              onReveal={() => reveal(p.Name)}
              onHide={() => hide(p.Name)}
            />
          ),
        },
      ]}
      footer={loadMoreFooter(query)}
    />
  );
}
