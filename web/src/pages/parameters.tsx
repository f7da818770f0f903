// Parameter Store's My parameters page. Values stay hidden: the list is DescribeParameters only,
// and a value is fetched (GetParameter, decrypted) when its row's Show value is pressed, then
// dropped from the cache when it is hidden again.
import { useInfiniteQuery } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { HiddenValue } from "../components/hidden-value";
import { loadMoreFooter, queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { PARAMETERS_KEY, parameterValueKey } from "../query-keys";
import { followLink, href } from "../router";
import { useRevealed } from "../reveal";
import { describeParameters, getParameterValue } from "../services/ssm";

const PAGE_SIZE = 50;

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
      {...queryTableProps({ data: items, isPending: query.isPending, error: query.error }, "parameters", {
        action: { text: "Create parameter", path: "/ssm/parameters/create" },
      })}
      trackBy="Name"
      columnDefinitions={[
        { id: "name", header: "Name", cell: (p) => p.Name, isRowHeader: true },
        { id: "type", header: "Type", cell: (p) => p.Type ?? "-" },
        { id: "version", header: "Version", cell: (p) => p.Version ?? "-" },
        { id: "lastModified", header: "Last modified", cell: (p) => formatTime(p.LastModifiedDate) },
        {
          id: "value",
          header: "Value",
          cell: (p) => (
            <HiddenValue
              queryKey={parameterValueKey(p.Name)}
              fetch={async () => ({ text: (await getParameterValue(p.Name)).Value ?? "" })}
              revealed={revealed.has(p.Name)}
              onReveal={() => reveal(p.Name)}
              onHide={() => hide(p.Name)}
              revealText="Show value"
              revealLabel={`Show value of ${p.Name}`}
              hideText="Hide value"
              hideLabel={`Hide value of ${p.Name}`}
              loadingText="Loading value"
              hiddenMark={p.Type === "SecureString" && <span title="Hidden SecureString value">••••••</span>}
            />
          ),
        },
      ]}
      footer={loadMoreFooter(query)}
    />
  );
}
