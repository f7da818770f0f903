// Secrets Manager's Secrets page. Values stay hidden: the list is ListSecrets only, and a value
// is fetched (GetSecretValue) when its row's Retrieve secret value is pressed, then dropped from
// the cache when it is hidden again.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { EmptyState, emptyOrError, loadMoreFooter } from "../components/table-states";
import { formatTime } from "../format";
import { SECRETS_KEY, secretValueKey } from "../query-keys";
import { followLink, href } from "../router";
import { useRevealed } from "../reveal";
import { getSecretValue, listSecrets, type SecretListEntry } from "../services/secretsmanager";

const PAGE_SIZE = 50;

/** The id GetSecretValue is called with: the ARN when known, else the name. */
const secretId = (secret: SecretListEntry) => secret.ARN ?? secret.Name;

function SecretValue({
  secret,
  revealed,
  onReveal,
  onHide,
}: {
  secret: SecretListEntry;
  revealed: boolean;
  onReveal: () => void;
  onHide: () => void;
}) {
  const value = useQuery({
    queryKey: secretValueKey(secretId(secret)),
    queryFn: () => getSecretValue(secretId(secret)),
    enabled: revealed,
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
  });
  if (!revealed) {
    return (
      <Button variant="inline-link" ariaLabel={`Retrieve secret value of ${secret.Name}`} onClick={onReveal}>
        Retrieve secret value
      </Button>
    );
  }
  const hide = (
    <Button variant="inline-link" ariaLabel={`Hide secret value of ${secret.Name}`} onClick={onHide}>
      Hide
    </Button>
  );
  let shown;
  if (value.isPending) shown = <StatusIndicator type="loading">Retrieving secret value</StatusIndicator>;
  else if (value.isError) shown = <StatusIndicator type="error">{value.error.message}</StatusIndicator>;
  else if (value.data.SecretString === undefined) shown = <i>{value.data.binary ? "(binary)" : "-"}</i>;
  else
    shown = (
      <Box variant="code">
        <span style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>{value.data.SecretString}</span>
      </Box>
    );
  return (
    <SpaceBetween direction="horizontal" size="xs" alignItems="center">
      {shown}
      {hide}
    </SpaceBetween>
  );
}

export default function SecretsPage() {
  const { revealed, reveal, hide } = useRevealed(secretValueKey);
  const query = useInfiniteQuery({
    queryKey: SECRETS_KEY,
    queryFn: ({ pageParam }) =>
      listSecrets({ MaxResults: PAGE_SIZE, ...(pageParam && { NextToken: pageParam }) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.NextToken || undefined,
  });
  const items = query.data?.pages.flatMap((page) => page.SecretList ?? []) ?? [];

  const createButton = (
    <Button variant="primary" href={href("/secretsmanager/secrets/create")} onFollow={followLink}>
      Store a new secret
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
          Secrets
        </Header>
      }
      items={items}
      loading={query.isPending}
      loadingText="Loading secrets"
      trackBy="Name"
      empty={emptyOrError(
        query.error,
        <EmptyState
          title="No secrets"
          subtitle="No secrets to display."
          action={{ text: "Store a new secret", path: "/secretsmanager/secrets/create" }}
        />,
      )}
      columnDefinitions={[
        { id: "name", header: "Secret name", cell: (s) => s.Name, isRowHeader: true },
        { id: "description", header: "Description", cell: (s) => s.Description || "-" },
        { id: "lastChanged", header: "Last changed", cell: (s) => formatTime(s.LastChangedDate) },
        {
          id: "value",
          header: "Secret value",
          cell: (s) => (
            <SecretValue
              secret={s}
              revealed={revealed.has(secretId(s))}
              onReveal={() => reveal(secretId(s))}
              onHide={() => hide(secretId(s))}
            />
          ),
        },
      ]}
      footer={loadMoreFooter(query)}
    />
  );
}
