// All repositories, like the CodeCommit console's Repositories page.
import { useQuery } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import CopyToClipboard from "@cloudscape-design/components/copy-to-clipboard";
import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { pullRequestsPath, repositoryPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { REPOSITORIES_KEY } from "../query-keys";
import { followLink, href } from "../router";
import { batchGetRepositories, listRepositories, type RepositoryMetadata } from "../services/codecommit";
import { ConsoleLink } from "../components/console-link";

/** Every repository, newest change first: ListRepositories page by page, then their metadata. */
async function fetchAllRepositories(): Promise<RepositoryMetadata[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listRepositories({ sortBy: "lastModifiedDate", order: "descending", nextToken });
    names.push(...(page.repositories ?? []).map((r) => r.repositoryName));
    nextToken = page.nextToken;
  } while (nextToken);
  return names.length === 0 ? [] : batchGetRepositories(names);
}

export default function RepositoriesPage() {
  const query = useQuery({
    queryKey: REPOSITORIES_KEY,
    queryFn: fetchAllRepositories,
    refetchInterval: POLL_INTERVAL,
  });
  const createButton = (
    <Button variant="primary" href={href("/repositories/create")} onFollow={followLink}>
      Create repository
    </Button>
  );
  return (
    <Table
      variant="full-page"
      header={
        <Header
          variant="h1"
          counter={query.data ? `(${query.data.length})` : undefined}
          actions={createButton}
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
        {
          id: "pullRequests",
          header: "Pull requests",
          cell: (r) => (
            <ConsoleLink
              path={pullRequestsPath(r.repositoryName)}

              ariaLabel={`Pull requests of ${r.repositoryName}`}
            >
              Pull requests
            </ConsoleLink>
          ),
        },
        {
          id: "cloneUrlHttp",
          header: "Clone URL (HTTPS)",
          cell: (r) =>
            r.cloneUrlHttp ? (
              <CopyToClipboard
                variant="inline"
                textToCopy={r.cloneUrlHttp}
                copyButtonAriaLabel={`Copy the HTTPS clone URL of ${r.repositoryName}`}
                copySuccessText="Clone URL copied"
                copyErrorText="Clone URL not copied"
              />
            ) : (
              "-"
            ),
        },
      ]}
    />
  );
}
