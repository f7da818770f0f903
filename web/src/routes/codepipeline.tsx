import { lazy } from "react";
import { pipelinePath } from "../paths";
import { href } from "../router";
import { crumb, home, segmentAfter, segmentsAfter, type ConsoleArea } from "./route";

const PipelinesPage = lazy(() => import("../pages/pipelines"));
const PipelinePage = lazy(() => import("../pages/pipeline"));
const EditPipelinePage = lazy(() => import("../pages/edit-pipeline"));
const CreatePipelinePage = lazy(() => import("../pages/create-pipeline"));

const pipelines = crumb("Pipelines", "/codepipeline/pipelines");

export const codePipelineArea: ConsoleArea = {
  route(path) {
    if (path === "/codepipeline/pipelines") {
      return {
        page: <PipelinesPage />,
        breadcrumbs: [home, pipelines],
        section: "/codepipeline/pipelines",
        contentType: "table",
      };
    }
    if (path === "/codepipeline/pipelines/create") {
      return {
        page: <CreatePipelinePage />,
        breadcrumbs: [home, pipelines, crumb("Create pipeline", "/codepipeline/pipelines/create")],
        section: "/codepipeline/pipelines",
        contentType: "form",
      };
    }
    const editing = segmentsAfter(path, "/codepipeline/pipelines/");
    if (editing?.length === 2 && editing[1] === "edit") {
      const name = editing[0]!;
      return {
        page: <EditPipelinePage key={name} name={name} />,
        breadcrumbs: [
          home,
          pipelines,
          crumb(name, pipelinePath(name)),
          crumb("Edit", `${pipelinePath(name)}/edit`),
        ],
        section: "/codepipeline/pipelines",
        contentType: "form",
      };
    }
    const pipelineName = segmentAfter(path, "/codepipeline/pipelines/");
    if (pipelineName === undefined) return undefined;
    return {
      page: <PipelinePage key={pipelineName} name={pipelineName} />,
      breadcrumbs: [home, pipelines, crumb(pipelineName, pipelinePath(pipelineName))],
      section: "/codepipeline/pipelines",
      contentType: "default",
    };
  },
  nav: {
    type: "section",
    text: "Pipeline • CodePipeline",
    items: [{ type: "link", text: "Pipelines", href: href("/codepipeline/pipelines") }],
  },
};
