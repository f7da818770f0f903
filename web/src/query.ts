// One QueryClient for the whole console. A call that finds the session gone sends the user to
// sign in, wherever it was made; client errors (4xx) are answers, not glitches, so not retried.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { AwsError, isNotSignedIn } from "./api";
import { SESSION_KEY } from "./query-keys";
import { navigate } from "./router";

/** How often lists refresh until the server pushes changes. */
export const POLL_INTERVAL = 2000;

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
