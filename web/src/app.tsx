// The top of the console: the sign-in page stands alone, every other page sits in the console
// layout. Both load on demand so the first script the browser fetches stays small.
import { lazy, Suspense } from "react";
import { PageLoading } from "./loading";
import { usePath } from "./router";

const SignInPage = lazy(() => import("./pages/sign-in"));
const ConsoleLayout = lazy(() => import("./layout"));

export function App() {
  const path = usePath();
  return (
    <Suspense fallback={<PageLoading />}>
      {path === "/signin" ? <SignInPage /> : <ConsoleLayout path={path} />}
    </Suspense>
  );
}
