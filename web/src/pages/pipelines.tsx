// All pipelines, like the CodePipeline console's Pipelines page, with each one's latest execution.
import { useQuery } from "@tanstack/react-query";
import Button from "@cloudscape-design/components/button";
import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { queryTableProps } from "../components/table-states";
import { formatTime } from "../format";
import { pipelinePath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { PIPELINES_KEY } from "../query-keys";
import { followLink, href } from "../router";
import { listPipelineExecutions, listPipelines, type PipelineSummary } from "../services/codepipeline";
import { Status } from "../status";
import { ConsoleLink } from "../components/console-link";

interface PipelineRow extends PipelineSummary {
  latestStatus?: string;
}

/** Every pipeline, ListPipelines page by page, each with its latest execution's status. */
async function fetchAllPipelines(): Promise<PipelineRow[]> {
  const pipelines: PipelineSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listPipelines(nextToken ? { nextToken } : {});
    pipelines.push(...(page.pipelines ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const latest = await Promise.allSettled(
    pipelines.map((p) => listPipelineExecutions({ pipelineName: p.name, maxResults: 1 })),
  );
  return pipelines.map((p, i) => {
    const result = latest[i];
    const status =
      result?.status === "fulfilled" ? result.value.pipelineExecutionSummaries?.[0]?.status : undefined;
    return { ...p, ...(status && { latestStatus: status }) };
  });
}

export default function PipelinesPage() {
  const query = useQuery({
    queryKey: PIPELINES_KEY,
    queryFn: fetchAllPipelines,
    refetchInterval: POLL_INTERVAL,
  });
  return (
    <Table
      variant="full-page"
      header={
        <Header
          variant="h1"
          counter={query.data ? `(${query.data.length})` : undefined}
          description="A pipeline takes each change from its source through build, test and deployment stages."
          actions={
            <Button variant="primary" href={href("/codepipeline/pipelines/create")} onFollow={followLink}>
              Create pipeline
            </Button>
          }
        >
          Pipelines
        </Header>
      }
      {...queryTableProps(query, "pipelines")}
      trackBy="name"
      columnDefinitions={[
        {
          id: "name",
          header: "Name",
          cell: (p) => <ConsoleLink path={pipelinePath(p.name)}>{p.name}</ConsoleLink>,
          isRowHeader: true,
        },
        {
          id: "latest",
          header: "Latest execution status",
          cell: (p) => <Status status={p.latestStatus} />,
        },
        { id: "type", header: "Pipeline type", cell: (p) => p.pipelineType ?? "V1" },
        { id: "updated", header: "Last updated", cell: (p) => formatTime(p.updated) },
      ]}
    />
  );
}
