// The on-premises instances a deployment group's tags select, with their tags and each one's status
// in the group's last attempted deployment. The AWS API says nothing of an agent's last contact, so
// the instance's target in that deployment (its status and when it last changed) stands for it.
import { useQuery } from "@tanstack/react-query";
import Header from "@cloudscape-design/components/header";
import Table from "@cloudscape-design/components/table";
import { formatTime } from "../format";
import { POLL_INTERVAL } from "../query";
import { deploymentGroupKey } from "../query-keys";
import {
  deploymentInstanceTargets,
  type DeploymentGroupInfo,
  type InstanceTarget,
  type OnPremisesInstance,
  registeredOnPremisesInstances,
  type TagFilter,
} from "../services/codedeploy";
import { Status } from "../status";
import { queryTableProps } from "./table-states";

function filterMatches(filter: TagFilter, instance: OnPremisesInstance): boolean {
  return (instance.tags ?? []).some((tag) => {
    switch (filter.Type) {
      case "KEY_ONLY":
        return tag.Key === filter.Key;
      case "VALUE_ONLY":
        return tag.Value === filter.Value;
      default:
        return tag.Key === filter.Key && tag.Value === filter.Value;
    }
  });
}

/** AWS's rules: any filter of a list matches (OR); every list of a tag set must match (AND). */
export function selectsInstance(group: DeploymentGroupInfo, instance: OnPremisesInstance): boolean {
  const filters = group.onPremisesInstanceTagFilters ?? [];
  const tagSet = group.onPremisesTagSet?.onPremisesTagSetList ?? [];
  if (filters.length > 0) return filters.some((f) => filterMatches(f, instance));
  if (tagSet.length > 0) return tagSet.every((list) => list.some((f) => filterMatches(f, instance)));
  return false;
}

interface InstanceRow extends OnPremisesInstance {
  target?: InstanceTarget;
}

async function fetchInstances(group: DeploymentGroupInfo): Promise<InstanceRow[]> {
  const lastDeployment = group.lastAttemptedDeployment?.deploymentId;
  const [instances, targets] = await Promise.all([
    registeredOnPremisesInstances(),
    lastDeployment ? deploymentInstanceTargets(lastDeployment) : Promise.resolve([]),
  ]);
  const byName = new Map(targets.map((t) => [t.targetId, t]));
  return instances
    .filter((i) => selectsInstance(group, i))
    .sort((a, b) => a.instanceName.localeCompare(b.instanceName))
    .map((i) => ({ ...i, target: byName.get(i.instanceName) }));
}

export function GroupInstances({ group }: { group: DeploymentGroupInfo }) {
  const query = useQuery({
    queryKey: [
      ...deploymentGroupKey(group.applicationName ?? "", group.deploymentGroupName),
      "instances",
      group.lastAttemptedDeployment?.deploymentId ?? "",
    ],
    queryFn: () => fetchInstances(group),
    refetchInterval: POLL_INTERVAL,
  });
  return (
    <Table
      variant="container"
      header={
        <Header
          variant="h2"
          counter={query.data ? `(${query.data.length})` : undefined}
          description="Registered on-premises instances whose tags this group's tag filters select."
        >
          Instances
        </Header>
      }
      {...queryTableProps(query, "instances", { subtitle: "No registered instance has this group's tags." })}
      trackBy="instanceName"
      columnDefinitions={[
        { id: "name", header: "Name", cell: (i) => i.instanceName, isRowHeader: true },
        {
          id: "registration",
          header: "Registration",
          cell: (i) => (i.deregisterTime === undefined ? "Registered" : "Deregistered"),
        },
        {
          id: "tags",
          header: "Tags",
          cell: (i) => (i.tags ?? []).map((t) => `${t.Key ?? ""}=${t.Value ?? ""}`).join(", ") || "-",
        },
        { id: "registered", header: "Registration time", cell: (i) => formatTime(i.registerTime) },
        {
          id: "lastStatus",
          header: "Status in last deployment",
          cell: (i) => (i.target ? <Status status={i.target.status} /> : "-"),
        },
        {
          id: "lastReport",
          header: "Last updated",
          cell: (i) => (i.target ? formatTime(i.target.lastUpdatedAt) : "-"),
        },
      ]}
    />
  );
}
