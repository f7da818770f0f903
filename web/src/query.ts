// One QueryClient for the whole console. A call that finds the session gone sends the user to
// sign in, wherever it was made; client errors (4xx) are answers, not glitches, so not retried.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { AwsError, isNotSignedIn } from "./api";
import { SESSION_KEY } from "./query-keys";
import { navigate } from "./router";

/** How often pages refresh while the server's change stream is down (see live.ts). */
const POLL_MS = 2000;
/** The safety net while changes are pushed: a change the stream missed still shows up. */
const LIVE_POLL_MS = 30_000;

/**
 * The `refetchInterval` of queries that change while a page is open: slow while the server pushes
 * changes, every 2 s when it cannot.
 */
export const POLL_INTERVAL = (): number => (live ? LIVE_POLL_MS : POLL_MS);

let live = false;

/** Records whether the server's change stream is open (live.ts). */
export function setLive(open: boolean): void {
  live = open;
}

function onError(error: unknown): void {
  if (!isNotSignedIn(error)) return;
  queryClient.setQueryData(SESSION_KEY, null);
  if (!window.location.pathname.endsWith("/signin")) navigate("/signin", { replace: true });
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      retry: (failures, error) => {
        if (error instanceof AwsError && error.status >= 400 && error.status < 500) return false;
        return failures < 2;
      },
    },
  },
});
