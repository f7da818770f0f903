// The console session lives in an HttpOnly cookie the server sets; the page only learns who is
// signed in. Credentials pass through the sign-in request once and are never stored here.
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CONSOLE_BASE, CONSOLE_HEADER, errorFrom } from "./api";
import { SESSION_KEY } from "./query-keys";
import { navigate } from "./router";

export interface Session {
  principal: { arn: string; accountId: string };
  region: string;
}

export type SignInRequest = { accessKeyId: string; secretAccessKey: string } | { signInToken: string };

/** The signed-in session, or null when the server says no one is signed in. */
async function fetchSession(): Promise<Session | null> {
  const response = await fetch(`${CONSOLE_BASE}/session`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (response.status === 401) return null;
  if (!response.ok) throw await errorFrom(response);
  return (await response.json()) as Session;
}

const SESSION_QUERY = { queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000 } as const;

export function useSession() {
  return useQuery(SESSION_QUERY);
}

/**
 * Starts the session check as soon as the page's first script runs, beside the download of the
 * page's chunks rather than after them: on a first load, that chain of round trips is the wait.
 */
export function prefetchSession(queryClient: QueryClient): void {
  void queryClient.prefetchQuery(SESSION_QUERY);
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (request: SignInRequest): Promise<Session> => {
      const response = await fetch(`${CONSOLE_BASE}/session`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", ...CONSOLE_HEADER },
        body: JSON.stringify(request),
      });
      if (!response.ok) throw await errorFrom(response);
      return (await response.json()) as Session;
    },
    onSuccess: (session) => {
      // Nothing cached under an earlier identity may show under the new one.
      queryClient.removeQueries();
      queryClient.setQueryData(SESSION_KEY, session);
      navigate("/", { replace: true });
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<void> => {
      const response = await fetch(`${CONSOLE_BASE}/session`, {
        method: "DELETE",
        credentials: "same-origin",
        headers: { ...CONSOLE_HEADER },
      });
      if (!response.ok && response.status !== 401) throw await errorFrom(response);
    },
    onSuccess: () => {
      queryClient.removeQueries();
      queryClient.setQueryData(SESSION_KEY, null);
      navigate("/signin", { replace: true });
    },
  });
}

let pendingSignInToken: string | undefined;

/**
 * Takes a sign-in token from the link the server prints (…/signin#token=…) and removes it from
 * the address bar at once, before anything renders, so it stays out of history and screenshots.
 */
export function captureSignInToken(): void {
  const hash = window.location.hash.replace(/^#/, "");
  if (!hash) return;
  const token = new URLSearchParams(hash).get("token");
  if (token === null) return;
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  if (token !== "") pendingSignInToken = token;
}

/** The captured sign-in token, handed out once. */
export function takeSignInToken(): string | undefined {
  const token = pendingSignInToken;
  pendingSignInToken = undefined;
  return token;
}
