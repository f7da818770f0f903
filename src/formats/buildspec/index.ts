export {
  parseBuildspec,
  type ParseBuildspecOptions,
  type ParseResult,
  type BuildspecParsed,
  type BuildspecInvalid,
} from "./parse.js";
export {
  createDiagnostic,
  formatDiagnostics,
  yamlFileErrorContext,
  YAML_FILE_ERROR,
  MAX_ERRORS,
  type Diagnostic,
  type DiagnosticSeverity,
} from "./diagnostics.js";
export { parseSecretsManagerReference, type SecretsManagerReferenceResult } from "./secrets-manager.js";
export { parseOnFailure, type OnFailureResult } from "./on-failure.js";
export {
  effectiveRunAs,
  BUILDSPEC_VERSIONS,
  PHASE_NAMES,
  PHASE_TYPES,
  BUILD_SHELLS,
  TEST_REPORT_FORMATS,
  COVERAGE_REPORT_FORMATS,
  type Buildspec,
  type BuildspecVersion,
  type BuildspecEnv,
  type BuildspecPhase,
  type BuildPhaseType,
  type PhaseName,
  type OnFailure,
  type BuildShell,
  type SecretsManagerReference,
  type BuildspecReportGroup,
  type ReportFileFormat,
  type BuildspecArtifactSet,
  type BuildspecArtifacts,
  type BuildspecSecondaryArtifact,
  type BuildspecCache,
  type BuildspecProxy,
} from "./types.js";
