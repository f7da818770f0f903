import { Command } from "commander";
import { ConfigError } from "../core/errors.js";
import { registerAgentCommand } from "./agent-command.js";
import { registerBuildCommand } from "./build-command.js";
import { registerConfigureCommand } from "./configure-command.js";
import { registerDeployCommand } from "./deploy-command.js";
import { registerInitCommand } from "./init-command.js";
import { registerLogsCommand } from "./logs-command.js";
import { registerPipelineCommand } from "./pipeline-command.js";
import { registerServerCommand } from "./server-command.js";

const program = new Command()
  .name("pipewright")
  .description("Self-hosted AWS developer tools: CodeCommit, CodeBuild, CodePipeline and CodeDeploy")
  .version("0.1.0");

registerServerCommand(program);
registerBuildCommand(program);
registerLogsCommand(program);
registerPipelineCommand(program);
registerDeployCommand(program);
registerConfigureCommand(program);
registerAgentCommand(program);
registerInitCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`pipewright: ${err.message}`);
  else console.error(err);
  process.exit(1);
});
