// One pipeline, like the CodePipeline console's pipeline view: its stages left to right with the
// latest execution flowing through them, the transitions between stages, approvals, retries,
// and the execution history, newest first. Refreshed every couple of seconds.
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import Link from "@cloudscape-design/components/link";
import Modal from "@cloudscape-design/components/modal";
import RadioGroup from "@cloudscape-design/components/radio-group";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import Textarea from "@cloudscape-design/components/textarea";
import { EmptyState, emptyOrError } from "../components/table-states";
import { formatDuration, formatTime } from "../format";
import { POLL_INTERVAL } from "../query";
import { pipelineExecutionsKey, pipelineKey, pipelineStateKey } from "../query-keys";
import {
  type ActionDeclaration,
  type ActionState,
  disableStageTransition,
  enableStageTransition,
  getPipeline,
  getPipelineState,
  listPipelineExecutions,
  type PipelineExecutionSummary,
  putApprovalResult,
  retryStageExecution,
  type SourceRevision,
  type StageDeclaration,
  type StageState,
  startPipelineExecution,
  stopPipelineExecution,
} from "../services";
import { Status } from "../status";
import "./pipeline.css";

/** AWS's rule for DisableStageTransition's reason. */
const REASON_PATTERN = /^[a-zA-Z0-9!@ ().*?-]+$/;
const REASON_MAX = 300;

function shortRevision(id: string | undefined): string {
  return id ? id.slice(0, 7) : "-";
}

function revisionText(revision: SourceRevision): string {
  const summary = revision.revisionSummary ? ` ${revision.revisionSummary}` : "";
  return `${revision.actionName}: ${shortRevision(revision.revisionId)}${summary}`;
}

/** The key under ["codepipeline", "pipeline", name] every query of this page shares. */
function usePipelineRefresh(name: string): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: pipelineKey(name) });
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

function ApprovalModal({
  pipelineName,
  stageName,
  action,
  token,
  onDismiss,
}: {
  pipelineName: string;
  stageName: string;
  action: ActionDeclaration;
  token: string;
  onDismiss: () => void;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const [comments, setComments] = useState("");
  const review = useMutation({
    mutationFn: (status: "Approved" | "Rejected") =>
      putApprovalResult({
        pipelineName,
        stageName,
        actionName: action.name,
        token,
        result: { summary: comments, status },
      }),
    onSuccess: async () => {
      await refresh();
      onDismiss();
    },
  });
  const customData = action.configuration?.CustomData;
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header={`Review ${action.name}`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button
              loading={review.isPending && review.variables === "Rejected"}
              onClick={() => review.mutate("Rejected")}
            >
              Reject
            </Button>
            <Button
              variant="primary"
              loading={review.isPending && review.variables === "Approved"}
              onClick={() => review.mutate("Approved")}
            >
              Approve
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        {review.error && <Alert type="error">{review.error.message}</Alert>}
        {customData && (
          <div>
            <Box variant="awsui-key-label">Comments from the pipeline</Box>
            <Box variant="p">{customData}</Box>
          </div>
        )}
        {action.configuration?.ExternalEntityLink && (
          <Link href={action.configuration.ExternalEntityLink} external>
            URL for review
          </Link>
        )}
        <FormField label="Comments">
          <Textarea value={comments} onChange={({ detail }) => setComments(detail.value)} />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
}

function DisableTransitionModal({
  pipelineName,
  stageName,
  onDismiss,
}: {
  pipelineName: string;
  stageName: string;
  onDismiss: () => void;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const [reason, setReason] = useState("");
  const [invalid, setInvalid] = useState<string | undefined>();
  const disable = useMutation({
    mutationFn: () => disableStageTransition(pipelineName, stageName, reason),
    onSuccess: async () => {
      await refresh();
      onDismiss();
    },
  });
  const submit = () => {
    if (reason.length < 1 || reason.length > REASON_MAX) {
      setInvalid(`Enter a reason of 1 to ${REASON_MAX} characters.`);
      return;
    }
    if (!REASON_PATTERN.test(reason)) {
      setInvalid("The reason may contain letters, digits, spaces and ! @ ( ) . * ? - only.");
      return;
    }
    setInvalid(undefined);
    disable.mutate();
  };
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Disable transition"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button variant="primary" loading={disable.isPending} onClick={submit}>
              Disable
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Form>
          <FormField
            label="Reason"
            description={`Why changes may not enter stage ${stageName} (up to ${REASON_MAX} characters).`}
            errorText={invalid ?? disable.error?.message}
          >
            <Input value={reason} onChange={({ detail }) => setReason(detail.value)} />
          </FormField>
        </Form>
      </form>
    </Modal>
  );
}

function StopExecutionModal({
  pipelineName,
  executionId,
  onDismiss,
}: {
  pipelineName: string;
  executionId: string;
  onDismiss: () => void;
}) {
  const refresh = usePipelineRefresh(pipelineName);
  const [mode, setMode] = useState<"wait" | "abandon">("wait");
  const [reason, setReason] = useState("");
  const stop = useMutation({
    mutationFn: () =>
      stopPipelineExecution({
        pipelineName,
        pipelineExecutionId: executionId,
        abandon: mode === "abandon",
        ...(reason.trim() !== "" && { reason: reason.trim() }),
      }),
    onSuccess: async () => {
      await refresh();
      onDismiss();
    },
  });
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Stop execution"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button variant="primary" loading={stop.isPending} onClick={() => stop.mutate()}>
              Stop
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        {stop.error && <Alert type="error">{stop.error.message}</Alert>}
        <Box variant="p">Execution {executionId}</Box>
        <FormField label="Stop mode">
          <RadioGroup
            value={mode}
            onChange={({ detail }) => setMode(detail.value === "abandon" ? "abandon" : "wait")}
            items={[
              {
                value: "wait",
                label: "Stop and wait",
                description: "Actions in progress finish; no further actions start.",
              },
              {
                value: "abandon",
                label: "Stop and abandon",
                description: "Actions in progress are abandoned and do not finish.",
              },
            ]}
          />
        </FormField>
        <FormField label="Reason (optional)">
          <Textarea value={reason} onChange={({ detail }) => setReason(detail.value)} />
        </FormField>
      </SpaceBetween>
    </Modal>
  );
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
        {execution?.externalExecutionUrl && <Link href={execution.externalExecutionUrl}>Details</Link>}
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
      items={executions}
      loading={query.isPending}
      loadingText="Loading executions"
      trackBy={(e) => e.pipelineExecutionId ?? ""}
      empty={emptyOrError(
        query.error,
        <EmptyState title="No executions" subtitle="This pipeline has not run yet." />,
      )}
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
      footer={
        query.hasNextPage ? (
          <Box textAlign="center">
            <Button loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
              Load more
            </Button>
          </Box>
        ) : undefined
      }
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
