// The project's first release waits before Deploy until a machine is there to deploy to: this
// watches for the agent to register, then enables the transition into Deploy, once.
import { useEffect } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { registeredAgents, runPlanStep, type ProjectPlan } from "../project-plan";

/** An instance registering is not a change the server pushes: this page asks every 2 s. */
const AGENT_POLL_MS = 2000;

export function ProjectAgentWait({ plan, region }: { plan: ProjectPlan; region: string }) {
  const agents = useQuery({
    queryKey: ["codedeploy", "on-premises-instances", "project", plan.name],
    queryFn: () => registeredAgents(plan),
    refetchInterval: (query) => ((query.state.data?.length ?? 0) > 0 ? false : AGENT_POLL_MS),
  });
  const enable = useMutation({ mutationFn: () => runPlanStep(plan.enableDeploy, region) });
  const machine = agents.data?.[0];
  const { mutate, isIdle } = enable;
  useEffect(() => {
    if (machine !== undefined && isIdle) mutate();
  }, [machine, isIdle, mutate]);

  if (enable.isError) {
    return (
      <StatusIndicator type="error">
        The transition into Deploy could not be enabled: {enable.error.message}. Enable it on the
        pipeline&apos;s page.
      </StatusIndicator>
    );
  }
  if (enable.isSuccess) {
    return (
      <StatusIndicator type="success">
        Machine {machine} registered: the release goes on to Deploy
      </StatusIndicator>
    );
  }
  if (machine !== undefined) {
    return (
      <StatusIndicator type="in-progress">Machine {machine} registered: enabling Deploy</StatusIndicator>
    );
  }
  return (
    <StatusIndicator type="pending">
      Waiting for the agent to register; the release waits before Deploy until then
    </StatusIndicator>
  );
}
