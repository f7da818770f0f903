// The Dashboard's four queries. The page starts them as it mounts, beside its frame's first paint;
// the tables that show them load after that paint (dashboard-panels.tsx) and find them answered or
// in flight.
import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { POLL_INTERVAL } from "../query";
import { DASHBOARD_REPOSITORIES_KEY } from "../query-keys";
import { batchGetBuilds, listBuilds } from "../services/codebuild";
import { batchGetRepositories, listRepositories } from "../services/codecommit";
import { batchGetDeployments, listDeployments } from "../services/codedeploy";
import { getPipelineState, listPipelines, type PipelineState } from "../services/codepipeline";

/** How many of the newest repositories and builds the dashboard lists. */
const RECENT = 10;

const ACTIVE_DEPLOYMENT_STATUSES = ["Created", "Queued", "InProgress", "Ready"];

// The page fetches each query once as it mounts (prefetchDashboard); a table mounting after it
// does not fetch again. Pushed changes and the poll keep them fresh from then on.
const shown = { refetchInterval: POLL_INTERVAL, refetchOnMount: false } as const;

export const repositoriesQuery = queryOptions({
  queryKey: DASHBOARD_REPOSITORIES_KEY,
  queryFn: async () => {
    const page = await listRepositories({ sortBy: "lastModifiedDate", order: "descending" });
    const names = (page.repositories ?? []).slice(0, RECENT).map((r) => r.repositoryName);
    return names.length === 0 ? [] : batchGetRepositories(names);
  },
  ...shown,
});

export const pipelinesQuery = queryOptions({
  queryKey: ["dashboard", "pipelines"],
  queryFn: async (): Promise<PipelineState[]> => {
    const page = await listPipelines({});
    const names = (page.pipelines ?? []).map((p) => p.name);
    // A pipeline deleted between the two calls still shows, without stages, rather than
    // failing the whole panel.
    const states = await Promise.allSettled(names.map((name) => getPipelineState(name)));
    return names.map((name, i) => {
      const state = states[i];
      return state?.status === "fulfilled" ? state.value : { pipelineName: name };
    });
  },
  ...shown,
});

export const buildsQuery = queryOptions({
  queryKey: ["dashboard", "builds"],
  queryFn: async () => {
    const page = await listBuilds({ sortOrder: "DESCENDING" });
    const ids = (page.ids ?? []).slice(0, RECENT);
    return ids.length === 0 ? [] : batchGetBuilds(ids);
  },
  ...shown,
});

export const deploymentsQuery = queryOptions({
  queryKey: ["dashboard", "deployments"],
  queryFn: async () => {
    const page = await listDeployments({ includeOnlyStatuses: ACTIVE_DEPLOYMENT_STATUSES });
    const ids = page.deployments ?? [];
    return ids.length === 0 ? [] : batchGetDeployments(ids);
  },
  ...shown,
});

/** Starts the Dashboard's queries, or refreshes what an earlier visit left. */
export function prefetchDashboard(client: QueryClient): void {
  void client.prefetchQuery(repositoriesQuery);
  void client.prefetchQuery(pipelinesQuery);
  void client.prefetchQuery(buildsQuery);
  void client.prefetchQuery(deploymentsQuery);
}
