// The top of the console: the sign-in page stands alone, every other page sits in the console
// layout. Both load on demand so the first script the browser fetches stays small.
import { lazy, Suspense } from "react";
import { PageLoading } from "./loading";
import { usePath } from "./router";

// The chunk this address needs starts downloading with the shell, beside the session check,
// instead of after it: a chain of round trips is most of a first load.
const signingIn = window.location.pathname.endsWith("/signin");
const signInChunk = signingIn ? import("./pages/sign-in") : undefined;
const layoutChunk = signingIn ? undefined : import("./layout");

const SignInPage = lazy(() => signInChunk ?? import("./pages/sign-in"));
const ConsoleLayout = lazy(() => layoutChunk ?? import("./layout"));

export function App() {
  const path = usePath();
  return (
    <Suspense fallback={<PageLoading />}>{path === "/signin" ? <SignInPage /> : <ConsoleLayout />}</Suspense>
  );
}
