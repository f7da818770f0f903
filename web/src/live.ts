// Changes pushed by the server (`GET /_/console/changes`, Server-Sent Events): each names a service
// and a resource, and the queries of that service are refetched, so an open page shows a build's
// phase, a pipeline action's status or a deployment's lifecycle event as soon as it commits. While
// the stream is open, pages poll only as a slow safety net; when it drops, they poll as before.
import { useEffect } from "react";
import { CONSOLE_BASE } from "./api";
import { queryClient, setLive } from "./query";

/** What the server sends: the service and the resource that changed. */
interface Change {
  service: "codebuild" | "codepipeline" | "codedeploy" | "codecommit";
}

/** Query keys outside a service's own prefix that show its resources. */
const ALSO_SHOWN_IN: Record<Change["service"], readonly (readonly string[])[]> = {
  codebuild: [["dashboard"]],
  codepipeline: [["dashboard"]],
  codedeploy: [["dashboard"]],
  codecommit: [["dashboard"], ["repositories"]],
};

/** Refetches the queries of each service that changed, once per burst of changes. */
function createInvalidator(): (change: Change) => void {
  const pending = new Set<Change["service"]>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const service of pending) {
      void queryClient.invalidateQueries({ queryKey: [service] });
      for (const key of ALSO_SHOWN_IN[service] ?? []) void queryClient.invalidateQueries({ queryKey: key });
    }
    pending.clear();
  };
  return (change) => {
    pending.add(change.service);
    if (!scheduled) {
      scheduled = true;
      setTimeout(flush, 30);
    }
  };
}

/** Keeps the change stream open while the signed-in console is on screen. */
export function useLiveChanges(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return undefined;
    const invalidate = createInvalidator();
    const source = new EventSource(`${CONSOLE_BASE}/changes`);
    let reconnecting = false;
    source.addEventListener("ready", () => {
      setLive(true);
      // Whatever changed while the stream was down is fetched again (not the session: it is not
      // a resource, and the stream's own answer just proved it).
      if (reconnecting) void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "session" });
      reconnecting = true;
    });
    source.onmessage = (message: MessageEvent<string>) => {
      try {
        invalidate(JSON.parse(message.data) as Change);
      } catch {
        // A malformed message changes nothing; the safety-net poll still runs.
      }
    };
    source.onerror = () => {
      setLive(false);
    };
    return () => {
      setLive(false);
      source.close();
    };
  }, [enabled]);
}
