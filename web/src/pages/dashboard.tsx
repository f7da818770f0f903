// "One dashboard to view all your components": the latest repositories, pipelines, builds and
// the deployments still running, each refreshed when the server pushes a change to it.
import { lazy, startTransition, Suspense, useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import { followLink, href } from "../router";
import { prefetchDashboard } from "./dashboard-queries";

const DashboardPanels = lazy(() => import("./dashboard-panels"));

/**
 * True from the first frame after the page painted. The four tables, with their script and styles,
 * cost more to load and render than the whole frame around them, so the heading, the navigation
 * and the page's actions paint and answer first. The tables' data is asked for as the frame
 * commits; their script loads after its paint, and they render in a transition, which yields to
 * input.
 */
function useAfterFirstPaint(): boolean {
  const client = useQueryClient();
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    prefetchDashboard(client);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setPainted(true)));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [client]);
  return painted;
}

export default function DashboardPage() {
  const painted = useAfterFirstPaint();
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          actions={
            <Button variant="primary" href={href("/projects/create")} onFollow={followLink}>
              Create project
            </Button>
          }
        >
          Dashboard
        </Header>
      }
    >
      {painted && (
        <Suspense fallback={<Box color="text-status-inactive">Loading…</Box>}>
          <DashboardPanels />
        </Suspense>
      )}
    </ContentLayout>
  );
}
