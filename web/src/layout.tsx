// The frame around every page but sign-in: the top bar with who is signed in, the side
// navigation and breadcrumbs. It shows nothing until the session is known to be signed in.
import { lazy, memo, Suspense, useEffect } from "react";
import AppLayout from "@cloudscape-design/components/app-layout";
import BreadcrumbGroup from "@cloudscape-design/components/breadcrumb-group";
import SideNavigation, { type SideNavigationProps } from "@cloudscape-design/components/side-navigation";
import TopNavigation from "@cloudscape-design/components/top-navigation";
import { ConsoleI18n } from "./i18n";
import { PageLoading } from "./loading";
import { CONSOLE_AREAS, home, type Route } from "./routes";
import { useLiveChanges } from "./live";
import { followLink, href, navigate, usePath } from "./router";
import { useSession, useSignOut } from "./session";

const NotFoundPage = lazy(() => import("./pages/not-found"));

const notFound: Route = { page: <NotFoundPage />, breadcrumbs: [home], section: "", contentType: "default" };

function route(path: string): Route {
  for (const area of CONSOLE_AREAS) {
    const found = area.route(path);
    if (found) return found;
  }
  return notFound;
}

const NAVIGATION: SideNavigationProps.Item[] = CONSOLE_AREAS.flatMap((area) => (area.nav ? [area.nav] : []));

/**
 * Cloudscape's English strings around the frame. The provider builds a new formatter, and so parses
 * each message again, whenever it renders: it renders once, and the frame below follows the address.
 */
export default memo(function ConsoleLayout() {
  return (
    <ConsoleI18n>
      <ConsoleFrame />
    </ConsoleI18n>
  );
});

function ConsoleFrame() {
  const path = usePath();
  const session = useSession();
  const signOut = useSignOut();
  const signedOut = session.data === null;
  useLiveChanges(Boolean(session.data));

  useEffect(() => {
    if (signedOut) navigate("/signin", { replace: true });
  }, [signedOut]);

  const { page, breadcrumbs, section, contentType } = route(path);
  const title = breadcrumbs[breadcrumbs.length - 1]?.text ?? "Pipewright";
  useEffect(() => {
    document.title = title === "Pipewright" ? title : `${title} | Pipewright`;
  }, [title]);

  if (session.isError) {
    return (
      <div role="alert" style={{ padding: "2rem", fontFamily: "sans-serif" }}>
        The console could not reach the server ({session.error.message}).{" "}
        <button type="button" onClick={() => void session.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (!session.data) return <PageLoading />;

  return (
    <>
      <div id="top-navigation" style={{ position: "sticky", top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{ title: "Pipewright", href: href("/"), onFollow: followLink }}
          utilities={[
            {
              type: "menu-dropdown",
              text: session.data.principal.arn,
              description: `Account ${session.data.principal.accountId} · ${session.data.region}`,
              iconName: "user-profile",
              items: [{ id: "sign-out", text: "Sign out" }],
              onItemClick: ({ detail }) => {
                if (detail.id === "sign-out") signOut.mutate();
              },
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#top-navigation"
        toolsHide
        contentType={contentType}
        breadcrumbs={<BreadcrumbGroup items={breadcrumbs} onFollow={followLink} />}
        navigation={
          <SideNavigation
            header={{ text: "Pipewright", href: href("/") }}
            activeHref={href(section)}
            onFollow={followLink}
            items={NAVIGATION}
          />
        }
        content={<Suspense fallback={<PageLoading />}>{page}</Suspense>}
      />
    </>
  );
}
