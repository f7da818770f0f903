// All CodeDeploy applications, like the CodeDeploy console's Applications page.
import { useQuery } from "@tanstack/react-query";
import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { applicationPath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { APPLICATIONS_KEY } from "../query-keys";
import { batchGetApplications, listApplications } from "../services/codedeploy";
import { ConsoleLink } from "../components/console-link";

async function fetchApplications() {
  const names = await listApplications();
  const applications = names.length === 0 ? [] : await batchGetApplications(names);
  return applications.sort((a, b) => a.applicationName.localeCompare(b.applicationName));
}

export default function ApplicationsPage() {
  const query = useQuery({
    queryKey: APPLICATIONS_KEY,
    queryFn: fetchApplications,
    refetchInterval: POLL_INTERVAL,
  });
  return (
    <Table
      variant="full-page"
      header={
        <Header
          variant="h1"
          counter={query.data ? `(${query.data.length})` : undefined}
          description="An application names what is deployed; its deployment groups say where."
        >
          Applications
        </Header>
      }
      {...queryTableProps(query, "applications")}
      trackBy="applicationName"
      columnDefinitions={[
        {
          id: "name",
          header: "Name",
          cell: (a) => (
            <ConsoleLink path={applicationPath(a.applicationName)}>{a.applicationName}</ConsoleLink>
          ),
          isRowHeader: true,
        },
        { id: "platform", header: "Compute platform", cell: (a) => a.computePlatform ?? "-" },
        { id: "created", header: "Created", cell: (a) => formatTime(a.createTime) },
      ]}
    />
  );
}
