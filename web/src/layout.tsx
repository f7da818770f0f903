// The frame around every page but sign-in: the top bar with who is signed in, the side
// navigation and breadcrumbs. It shows nothing until the session is known to be signed in.
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import AppLayout, { type AppLayoutProps } from "@cloudscape-design/components/app-layout";
import BreadcrumbGroup, { type BreadcrumbGroupProps } from "@cloudscape-design/components/breadcrumb-group";
import SideNavigation from "@cloudscape-design/components/side-navigation";
import TopNavigation from "@cloudscape-design/components/top-navigation";
import { ConsoleI18n } from "./i18n";
import { PageLoading } from "./loading";
import { buildPath, pipelinePath, projectOfBuild, projectPath } from "./paths";
import { followLink, href, navigate } from "./router";
import { useSession, useSignOut } from "./session";

const DashboardPage = lazy(() => import("./pages/dashboard"));
const RepositoriesPage = lazy(() => import("./pages/repositories"));
const CreateRepositoryPage = lazy(() => import("./pages/create-repository"));
const BuildProjectsPage = lazy(() => import("./pages/build-projects"));
const BuildProjectPage = lazy(() => import("./pages/build-project"));
const BuildPage = lazy(() => import("./pages/build"));
const PipelinesPage = lazy(() => import("./pages/pipelines"));
const PipelinePage = lazy(() => import("./pages/pipeline"));
const ParametersPage = lazy(() => import("./pages/parameters"));
const CreateParameterPage = lazy(() => import("./pages/create-parameter"));
const SecretsPage = lazy(() => import("./pages/secrets"));
const CreateSecretPage = lazy(() => import("./pages/create-secret"));
const NotFoundPage = lazy(() => import("./pages/not-found"));

interface Route {
  page: ReactNode;
  breadcrumbs: BreadcrumbGroupProps.Item[];
  /** The side navigation entry to highlight. */
  section: string;
  /** Lets the layout size the content the way the AWS console does for this kind of page. */
  contentType: AppLayoutProps.ContentType;
}

const home = { text: "Pipewright", href: href("/") };
const buildProjects = { text: "Build projects", href: href("/codebuild/projects") };
const pipelines = { text: "Pipelines", href: href("/codepipeline/pipelines") };
const parameters = { text: "Parameters", href: href("/ssm/parameters") };
const secrets = { text: "Secrets", href: href("/secretsmanager/secrets") };

const notFound: Route = { page: <NotFoundPage />, breadcrumbs: [home], section: "", contentType: "default" };

/** The one path segment after `prefix`, decoded; undefined when the path is not of that form. */
function segmentAfter(path: string, prefix: string): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest === "" || rest.includes("/")) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

function codeBuildRoute(path: string): Route | undefined {
  const projectName = segmentAfter(path, "/codebuild/projects/");
  if (projectName !== undefined) {
    return {
      page: <BuildProjectPage key={projectName} name={projectName} />,
      breadcrumbs: [home, buildProjects, { text: projectName, href: href(projectPath(projectName)) }],
      section: "/codebuild/projects",
      contentType: "default",
    };
  }
  const buildId = segmentAfter(path, "/codebuild/builds/");
  if (buildId !== undefined) {
    const project = projectOfBuild(buildId);
    return {
      page: <BuildPage key={buildId} id={buildId} />,
      breadcrumbs: [
        home,
        buildProjects,
        { text: project, href: href(projectPath(project)) },
        { text: buildId, href: href(buildPath(buildId)) },
      ],
      section: "/codebuild/projects",
      contentType: "default",
    };
  }
  return undefined;
}

function codePipelineRoute(path: string): Route | undefined {
  const pipelineName = segmentAfter(path, "/codepipeline/pipelines/");
  if (pipelineName === undefined) return undefined;
  return {
    page: <PipelinePage key={pipelineName} name={pipelineName} />,
    breadcrumbs: [home, pipelines, { text: pipelineName, href: href(pipelinePath(pipelineName)) }],
    section: "/codepipeline/pipelines",
    contentType: "default",
  };
}

function route(path: string): Route {
  const codeBuild = codeBuildRoute(path) ?? codePipelineRoute(path);
  if (codeBuild) return codeBuild;
  switch (path) {
    case "/":
      return {
        page: <DashboardPage />,
        breadcrumbs: [home, { text: "Dashboard", href: href("/") }],
        section: "/",
        contentType: "dashboard",
      };
    case "/repositories":
      return {
        page: <RepositoriesPage />,
        breadcrumbs: [home, { text: "Repositories", href: href("/repositories") }],
        section: "/repositories",
        contentType: "table",
      };
    case "/repositories/create":
      return {
        page: <CreateRepositoryPage />,
        breadcrumbs: [
          home,
          { text: "Repositories", href: href("/repositories") },
          { text: "Create repository", href: href("/repositories/create") },
        ],
        section: "/repositories",
        contentType: "form",
      };
    case "/codebuild/projects":
      return {
        page: <BuildProjectsPage />,
        breadcrumbs: [home, buildProjects],
        section: "/codebuild/projects",
        contentType: "table",
      };
    case "/codepipeline/pipelines":
      return {
        page: <PipelinesPage />,
        breadcrumbs: [home, pipelines],
        section: "/codepipeline/pipelines",
        contentType: "table",
      };
    case "/ssm/parameters":
      return {
        page: <ParametersPage />,
        breadcrumbs: [home, parameters],
        section: "/ssm/parameters",
        contentType: "table",
      };
    case "/ssm/parameters/create":
      return {
        page: <CreateParameterPage />,
        breadcrumbs: [home, parameters, { text: "Create parameter", href: href("/ssm/parameters/create") }],
        section: "/ssm/parameters",
        contentType: "form",
      };
    case "/secretsmanager/secrets":
      return {
        page: <SecretsPage />,
        breadcrumbs: [home, secrets],
        section: "/secretsmanager/secrets",
        contentType: "table",
      };
    case "/secretsmanager/secrets/create":
      return {
        page: <CreateSecretPage />,
        breadcrumbs: [
          home,
          secrets,
          { text: "Store a new secret", href: href("/secretsmanager/secrets/create") },
        ],
        section: "/secretsmanager/secrets",
        contentType: "form",
      };
    default:
      return notFound;
  }
}

export default function ConsoleLayout({ path }: { path: string }) {
  const session = useSession();
  const signOut = useSignOut();
  const signedOut = session.data === null;

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
    <ConsoleI18n>
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
            items={[
              { type: "link", text: "Dashboard", href: href("/") },
              {
                type: "section",
                text: "Source • CodeCommit",
                items: [{ type: "link", text: "Repositories", href: href("/repositories") }],
              },
              {
                type: "section",
                text: "Build • CodeBuild",
                items: [{ type: "link", text: "Build projects", href: href("/codebuild/projects") }],
              },
              {
                type: "section",
                text: "Pipeline • CodePipeline",
                items: [{ type: "link", text: "Pipelines", href: href("/codepipeline/pipelines") }],
              },
              {
                type: "section",
                text: "Configuration",
                items: [
                  { type: "link", text: "Parameters", href: href("/ssm/parameters") },
                  { type: "link", text: "Secrets", href: href("/secretsmanager/secrets") },
                ],
              },
            ]}
          />
        }
        content={<Suspense fallback={<PageLoading />}>{page}</Suspense>}
      />
    </ConsoleI18n>
  );
}
