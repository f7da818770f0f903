// One pipeline, like the CodePipeline console's pipeline view: its stages left to right with the
// latest execution flowing through them, the transitions between stages, approvals, retries,
// and the execution history, newest first. Refreshed every couple of seconds.
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import Link from "@cloudscape-design/components/link";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { loadMoreFooter, queryTableProps } from "../components/table-states";
import { formatDuration, formatTime } from "../format";
import { pipelinePath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { pipelineExecutionsKey, pipelineKey, pipelineStateKey } from "../query-keys";
import { consolePathOf, followLink, href } from "../router";
import {
  type ActionDeclaration,
  type ActionState,
  enableStageTransition,
  getPipeline,
  getPipelineState,
  listPipelineExecutions,
  type PipelineExecutionSummary,
  retryStageExecution,
  type SourceRevision,
  type StageDeclaration,
  type StageState,
  startPipelineExecution,
} from "../services/codepipeline";
import { Status } from "../status";
import {
  ApprovalModal,
  DisableTransitionModal,
  StopExecutionModal,
  usePipelineRefresh,
} from "../components/pipeline-modals";
import "./pipeline.css";
import { ConsoleLink } from "../components/console-link";

function shortRevision(id: string | undefined): string {
  return id ? id.slice(0, 7) : "-";
}

function revisionText(revision: SourceRevision): string {
  const summary = revision.revisionSummary ? ` ${revision.revisionSummary}` : "";
  return `${revision.actionName}: ${shortRevision(revision.revisionId)}${summary}`;
}

/** Actions grouped by runOrder, lowest first, keeping the declared order inside a group. */
function byRunOrder(actions: readonly ActionDeclaration[]): ActionDeclaration[][] {
  const groups = new Map<number, ActionDeclaration[]>();
  for (const action of actions) {
    const order = action.runOrder ?? 1;
    const group = groups.get(order) ?? [];
    group.push(action);
    groups.set(order, group);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

function statusClass(status: string | undefined): string {
  return `pw-action pw-action-${status ? status.toLowerCase() : "none"}`;
}

/** The action's run elsewhere: a console page (a deployment) opens in the console, anything else as a link. */
function ExternalExecutionLink({ url }: { url: string }) {
  const path = consolePathOf(url);
  if (path === undefined) return <Link href={url}>Details</Link>;
  return <ConsoleLink path={path}>Details</ConsoleLink>;
}

function ActionCard({
  pipelineName,
  stageName,
  action,
  state,
}: {
  pipelineName: string;
  stageName: string;
  action: ActionDeclaration;
  state: ActionState | undefined;
}) {
  const [reviewing, setReviewing] = useState(false);
  const execution = state?.latestExecution;
  const status = execution?.status;
  const approval = action.actionTypeId.category === "Approval";
  const token = execution?.token;
  return (
    <section className={statusClass(status)} aria-label={`Action ${action.name}`}>
      <SpaceBetween size="xxs">
        <Box variant="h4" padding="n">
          {action.name}
        </Box>
        <Box variant="small" color="text-body-secondary">
          {action.actionTypeId.provider}
        </Box>
        <Status status={status} />
        {execution?.summary && <Box variant="small">{execution.summary}</Box>}
        {status === "Failed" && execution?.errorDetails?.message && (
          <Box variant="small" color="text-status-error">
            {execution.errorDetails.message}
          </Box>
        )}
        {execution?.lastStatusChange !== undefined && (
          <Box variant="small" color="text-body-secondary">
            {formatTime(execution.lastStatusChange)}
          </Box>
        )}
        {execution?.externalExecutionUrl && <ExternalExecutionLink url={execution.externalExecutionUrl} />}
        {approval && status === "InProgress" && token && (
          <Button onClick={() => setReviewing(true)}>Review</Button>
        )}
      </SpaceBetween>
      {reviewing && token && (
        <ApprovalModal
          pipelineName={pipelineName}
          stageName={stageName}
          action={action}
          token={token}
          onDismiss={() => setReviewing(false)}
        />
      )}
    </section>
  );
}

function StageView({
  pipelineName,
  stage,
  state,
}: {
  pipelineName: string;
  stage: StageDeclaration;
  state: StageState | undefined;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const execution = state?.latestExecution;
  const retry = useMutation({
    mutationFn: (pipelineExecutionId: string) =>
      retryStageExecution({ pipelineName, stageName: stage.name, pipelineExecutionId }),
    onSuccess: refresh,
  });
  const stateOf = (actionName: string) => state?.actionStates?.find((a) => a.actionName === actionName);
  return (
    <div className="pw-pipeline-stage" role="region" aria-label={`Stage ${stage.name}`}>
      <Container
        fitHeight
        header={
          <Header
            variant="h2"
            description={
              <>
                <Status status={execution?.status} />
                {execution?.pipelineExecutionId && (
                  <span style={{ display: "block" }}>Execution {execution.pipelineExecutionId}</span>
                )}
              </>
            }
            actions={
              execution?.status === "Failed" && execution.pipelineExecutionId ? (
                <Button
                  loading={retry.isPending}
                  onClick={() => execution.pipelineExecutionId && retry.mutate(execution.pipelineExecutionId)}
                >
                  Retry failed actions
                </Button>
              ) : undefined
            }
          >
            {stage.name}
          </Header>
        }
      >
        <SpaceBetween size="s">
          {retry.error && (
            <Alert type="error" dismissible onDismiss={() => retry.reset()}>
              {retry.error.message}
            </Alert>
          )}
          <div className="pw-run-order">
            {byRunOrder(stage.actions).map((group) => (
              <div className="pw-run-order-group" key={group.map((a) => a.name).join("\u0000")}>
                {group.map((action) => (
                  <ActionCard
                    key={action.name}
                    pipelineName={pipelineName}
                    stageName={stage.name}
                    action={action}
                    state={stateOf(action.name)}
                  />
                ))}
              </div>
            ))}
          </div>
        </SpaceBetween>
      </Container>
    </div>
  );
}

function TransitionMarker({
  pipelineName,
  stageName,
  state,
}: {
  pipelineName: string;
  stageName: string;
  state: StageState | undefined;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const [disabling, setDisabling] = useState(false);
  const enable = useMutation({
    mutationFn: () => enableStageTransition(pipelineName, stageName),
    onSuccess: refresh,
  });
  const transition = state?.inboundTransitionState;
  const disabled = transition?.enabled === false;
  return (
    <div className="pw-pipeline-transition" aria-label={`Transition to ${stageName}`} role="group">
      <span className="pw-pipeline-arrow" aria-hidden="true">
        →
      </span>
      {disabled ? (
        <>
          <StatusIndicator type="stopped">Transition disabled</StatusIndicator>
          {transition?.disabledReason && <Box variant="small">{transition.disabledReason}</Box>}
          <Button loading={enable.isPending} onClick={() => enable.mutate()}>
            Enable transition
          </Button>
          {enable.error && <StatusIndicator type="error">{enable.error.message}</StatusIndicator>}
        </>
      ) : (
        <Button onClick={() => setDisabling(true)}>Disable transition</Button>
      )}
      {disabling && (
        <DisableTransitionModal
          pipelineName={pipelineName}
          stageName={stageName}
          onDismiss={() => setDisabling(false)}
        />
      )}
    </div>
  );
}

function ExecutionHistory({
  executions,
  query,
}: {
  executions: PipelineExecutionSummary[];
  query: {
    isPending: boolean;
    error: Error | null;
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    fetchNextPage: () => Promise<unknown>;
  };
}) {
  const finished = (status: string | undefined) =>
    status !== undefined && status !== "InProgress" && status !== "Stopping";
  return (
    <Table
      variant="container"
      header={
        <Header variant="h2" counter={`(${executions.length}${query.hasNextPage ? "+" : ""})`}>
          Execution history
        </Header>
      }
      {...queryTableProps(
        { data: executions, isPending: query.isPending, error: query.error },
        "executions",
        { subtitle: "This pipeline has not run yet." },
      )}
      trackBy={(e) => e.pipelineExecutionId ?? ""}
      columnDefinitions={[
        {
          id: "id",
          header: "Execution ID",
          cell: (e) => e.pipelineExecutionId ?? "-",
          isRowHeader: true,
        },
        { id: "status", header: "Status", cell: (e) => <Status status={e.status} /> },
        { id: "trigger", header: "Trigger", cell: (e) => e.trigger?.triggerType ?? "-" },
        {
          id: "source",
          header: "Source revisions",
          cell: (e) =>
            (e.sourceRevisions ?? []).length === 0 ? (
              "-"
            ) : (
              <SpaceBetween size="xxs">
                {(e.sourceRevisions ?? []).map((r) => (
                  <span key={r.actionName}>{revisionText(r)}</span>
                ))}
              </SpaceBetween>
            ),
        },
        { id: "started", header: "Started", cell: (e) => formatTime(e.startTime) },
        {
          id: "duration",
          header: "Duration",
          cell: (e) => (finished(e.status) ? formatDuration(e.startTime, e.lastUpdateTime) : "-"),
        },
      ]}
      footer={loadMoreFooter(query)}
    />
  );
}

export default function PipelinePage({ name }: { name: string }) {
  const refresh = usePipelineRefresh(name);
  const pipeline = useQuery({
    queryKey: [...pipelineKey(name), "structure"],
    queryFn: () => getPipeline(name),
  });
  const state = useQuery({
    queryKey: pipelineStateKey(name),
    queryFn: () => getPipelineState(name),
    refetchInterval: POLL_INTERVAL,
  });
  const executions = useInfiniteQuery({
    queryKey: pipelineExecutionsKey(name),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      listPipelineExecutions({ pipelineName: name, ...(pageParam && { nextToken: pageParam }) }),
    getNextPageParam: (last) => last.nextToken,
    refetchInterval: POLL_INTERVAL,
  });
  const [stopping, setStopping] = useState(false);
  const release = useMutation({ mutationFn: () => startPipelineExecution(name), onSuccess: refresh });
  const released = release.data?.pipelineExecutionId;

  const history = executions.data?.pages.flatMap((page) => page.pipelineExecutionSummaries ?? []) ?? [];
  const latest = history[0];
  const stages = pipeline.data?.pipeline?.stages ?? [];
  const stageState = (stageName: string) => state.data?.stageStates?.find((s) => s.stageName === stageName);
  const running = latest?.status === "InProgress" && latest.pipelineExecutionId;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={
            latest && (latest.sourceRevisions ?? []).length > 0 ? (
              <span role="group" aria-label="Source revisions">
                {(latest.sourceRevisions ?? []).map((r) => (
                  <span key={r.actionName} style={{ display: "block" }}>
                    Source revision {revisionText(r)}
                  </span>
                ))}
              </span>
            ) : undefined
          }
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              {running && <Button onClick={() => setStopping(true)}>Stop execution</Button>}
              <Button
                href={href(`${pipelinePath(name)}/edit`)}
                onFollow={followLink}
                disabled={!pipeline.data}
              >
                Edit
              </Button>
              <Button
                variant="primary"
                loading={release.isPending}
                disabled={!pipeline.data}
                onClick={() => release.mutate()}
              >
                Release change
              </Button>
            </SpaceBetween>
          }
        >
          {name}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {release.error && (
          <Alert
            type="error"
            header="The change was not released"
            dismissible
            onDismiss={() => release.reset()}
          >
            {release.error.message}
          </Alert>
        )}
        {released && (
          <Alert type="success" dismissible onDismiss={() => release.reset()}>
            Release started: execution {released}
          </Alert>
        )}
        {pipeline.isPending && <StatusIndicator type="loading">Loading the pipeline</StatusIndicator>}
        {pipeline.error && <StatusIndicator type="error">{pipeline.error.message}</StatusIndicator>}
        {state.error && <StatusIndicator type="error">{state.error.message}</StatusIndicator>}
        {stages.length > 0 && (
          <div className="pw-pipeline-stages" role="group" aria-label="Stages" tabIndex={0}>
            {stages.map((stage, index) => (
              <div key={stage.name} style={{ display: "contents" }}>
                {index > 0 && (
                  <TransitionMarker
                    pipelineName={name}
                    stageName={stage.name}
                    state={stageState(stage.name)}
                  />
                )}
                <StageView pipelineName={name} stage={stage} state={stageState(stage.name)} />
              </div>
            ))}
          </div>
        )}
        {pipeline.data && (
          <ExecutionHistory
            executions={history}
            query={{
              isPending: executions.isPending,
              error: executions.error,
              hasNextPage: executions.hasNextPage,
              isFetchingNextPage: executions.isFetchingNextPage,
              fetchNextPage: () => executions.fetchNextPage(),
            }}
          />
        )}
      </SpaceBetween>
      {stopping && running && (
        <StopExecutionModal
          pipelineName={name}
          executionId={latest.pipelineExecutionId ?? ""}
          onDismiss={() => setStopping(false)}
        />
      )}
    </ContentLayout>
  );
}
