// Secrets Manager's Secrets page. Values stay hidden: the list is ListSecrets only, and a value
// is fetched (GetSecretValue) when its row's Retrieve secret value is pressed, then dropped from
// the cache when it is hidden again.
import { useInfiniteQuery } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { HiddenValue } from "../components/hidden-value";
import { loadMoreFooter, queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { SECRETS_KEY, secretValueKey } from "../query-keys";
import { followLink, href } from "../router";
import { useRevealed } from "../reveal";
import { getSecretValue, listSecrets, type SecretListEntry } from "../services/secretsmanager";

const PAGE_SIZE = 50;

/** The id GetSecretValue is called with: the ARN when known, else the name. */
const secretId = (secret: SecretListEntry) => secret.ARN ?? secret.Name;

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
      {...queryTableProps({ data: items, isPending: query.isPending, error: query.error }, "secrets", {
        action: { text: "Store a new secret", path: "/secretsmanager/secrets/create" },
      })}
      trackBy="Name"
      columnDefinitions={[
        { id: "name", header: "Secret name", cell: (s) => s.Name, isRowHeader: true },
        { id: "description", header: "Description", cell: (s) => s.Description || "-" },
        { id: "lastChanged", header: "Last changed", cell: (s) => formatTime(s.LastChangedDate) },
        {
          id: "value",
          header: "Secret value",
          cell: (s) => (
            <HiddenValue
              queryKey={secretValueKey(secretId(s))}
              fetch={async () => {
                const value = await getSecretValue(secretId(s));
                if (value.SecretString !== undefined) return { text: value.SecretString };
                return { note: value.binary ? "(binary)" : "-" };
              }}
              revealed={revealed.has(secretId(s))}
              onReveal={() => reveal(secretId(s))}
              onHide={() => hide(secretId(s))}
              revealText="Retrieve secret value"
              revealLabel={`Retrieve secret value of ${s.Name}`}
              hideText="Hide"
              hideLabel={`Hide secret value of ${s.Name}`}
              loadingText="Retrieving secret value"
            />
          ),
        },
      ]}
      footer={loadMoreFooter(query)}
    />
  );
}
