// One deployment group: its settings, the on-premises instances its tags select with each one's
// status in the group's last deployment, and its deployments.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import KeyValuePairs from "@cloudscape-design/components/key-value-pairs";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import { AwsError } from "../api";
import {
  deploymentStyleText,
  LastDeployment,
  loadBalancerText,
  tagFilterText,
} from "../components/deploy-format";
import { CreateDeploymentModal } from "../components/create-deployment-modal";
import { DeploymentsTable } from "../components/deployments-table";
import { GroupInstances } from "../components/group-instances";
import { POLL_INTERVAL } from "../query";
import { deploymentGroupKey } from "../query-keys";
import { type DeploymentGroupInfo, getDeploymentGroup, type TagFilter } from "../services/codedeploy";

async function fetchGroup(application: string, name: string): Promise<DeploymentGroupInfo> {
  const group = await getDeploymentGroup(application, name);
  if (!group) throw new AwsError("DeploymentGroupDoesNotExistException", `No deployment group ${name}.`, 400);
  return group;
}

function TagFilters({ filters }: { filters: TagFilter[] }) {
  if (filters.length === 0) return <>-</>;
  return (
    <SpaceBetween size="xxs">
      {filters.map((f, i) => (
        <span key={i}>{tagFilterText(f)}</span>
      ))}
    </SpaceBetween>
  );
}

function GroupDetails({ group }: { group: DeploymentGroupInfo }) {
  const rollback = group.autoRollbackConfiguration;
  const alarms = group.alarmConfiguration;
  const tagSets = group.onPremisesTagSet?.onPremisesTagSetList ?? [];
  return (
    <Container header={<Header variant="h2">Deployment group details</Header>}>
      <KeyValuePairs
        columns={3}
        items={[
          { label: "Deployment configuration", value: group.deploymentConfigName ?? "-" },
          { label: "Deployment type", value: deploymentStyleText(group.deploymentStyle) },
          { label: "Service role ARN", value: group.serviceRoleArn ?? "-" },
          { label: "Compute platform", value: group.computePlatform ?? "-" },
          {
            label: "On-premises instance tags",
            value: <TagFilters filters={group.onPremisesInstanceTagFilters ?? []} />,
          },
          ...(tagSets.length > 0
            ? [
                {
                  label: "On-premises tag sets (each must match)",
                  value: (
                    <SpaceBetween size="xs">
                      {tagSets.map((set, i) => (
                        <Box key={i}>
                          <Box variant="small">Tag group {i + 1}</Box>
                          <TagFilters filters={set} />
                        </Box>
                      ))}
                    </SpaceBetween>
                  ),
                },
              ]
            : []),
          {
            label: "Automatic rollback",
            value: rollback?.enabled
              ? `Enabled: ${(rollback.events ?? []).join(", ") || "no events"}`
              : "Disabled",
          },
          {
            label: "Alarms",
            value: alarms?.enabled
              ? `${(alarms.alarms ?? []).map((a) => a.name).join(", ") || "None"}${
                  alarms.ignorePollAlarmFailure ? " (alarm poll failures ignored)" : ""
                }`
              : "Disabled",
          },
          { label: "Load balancer", value: loadBalancerText(group.loadBalancerInfo) },
          {
            label: "Last attempted deployment",
            value: <LastDeployment info={group.lastAttemptedDeployment} />,
          },
          {
            label: "Last successful deployment",
            value: <LastDeployment info={group.lastSuccessfulDeployment} />,
          },
        ]}
      />
    </Container>
  );
}

export default function DeploymentGroupPage({ application, name }: { application: string; name: string }) {
  const query = useQuery({
    queryKey: deploymentGroupKey(application, name),
    queryFn: () => fetchGroup(application, name),
    refetchInterval: POLL_INTERVAL,
  });
  const group = query.data;
  const [creating, setCreating] = useState(false);
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={`Application ${application}`}
          actions={
            <Button variant="primary" disabled={!group} onClick={() => setCreating(true)}>
              Create deployment
            </Button>
          }
        >
          {name}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {query.isPending && <StatusIndicator type="loading">Loading the deployment group</StatusIndicator>}
        {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
        {group && <GroupDetails group={group} />}
        {group && <GroupInstances group={group} />}
        {group && (
          <DeploymentsTable
            applicationName={application}
            deploymentGroupName={name}
            header={{ text: "Deployment history", variant: "h2" }}
          />
        )}
      </SpaceBetween>
      {creating && (
        <CreateDeploymentModal
          applicationName={application}
          deploymentGroupName={name}
          onDismiss={() => setCreating(false)}
        />
      )}
    </ContentLayout>
  );
}
