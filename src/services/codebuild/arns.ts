/** CodeBuild's ARNs, each made one way (core's formatArn). */
import { formatArn } from "../../core/index.js";

type Scope = { accountId: string; region: string };

const codebuild = (scope: Scope, resource: string) =>
  formatArn({ service: "codebuild", region: scope.region, accountId: scope.accountId, resource });

/** `arn:aws:codebuild:<region>:<account>:project/<name>`. */
export const projectArn = (scope: Scope, name: string): string => codebuild(scope, `project/${name}`);

/** `arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>`. */
export const buildArn = (scope: Scope, buildId: string): string => codebuild(scope, `build/${buildId}`);

/** `arn:aws:codebuild:<region>:<account>:report-group/<name>`. */
export const reportGroupArn = (scope: Scope, name: string): string =>
  codebuild(scope, `report-group/${name}`);

/** `arn:aws:s3:::<bucket>/<key>`: where an artifact or a pipeline's source zip is. */
export const s3ObjectArn = (bucket: string, key: string): string =>
  formatArn({ service: "s3", region: "", accountId: "", resource: `${bucket}/${key}` });

/** `arn:aws:kms:<region>:<account>:alias/aws/s3`, the default encryptionKey of a project. */
export const defaultEncryptionKey = (scope: Scope): string =>
  formatArn({ service: "kms", region: scope.region, accountId: scope.accountId, resource: "alias/aws/s3" });

/** `arn:aws:codebuild:<region>:<account>:report/<group>:<id>`. */
export const reportArn = (scope: Scope, group: string, id: string): string =>
  codebuild(scope, `report/${group}:${id}`);
