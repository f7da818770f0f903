/** The `reports` section: report group name or ARN → files, base-directory, discard-paths, file-format. */
import { childPath, type Field, type ParseContext } from "./context.js";
import { readBoolean, readString, readStringList } from "./readers.js";
import {
  COVERAGE_REPORT_FORMATS,
  TEST_REPORT_FORMATS,
  type BuildspecReportGroup,
  type ReportFileFormat,
} from "./types.js";

const REPORT_KEYS = ["files", "base-directory", "discard-paths", "file-format"] as const;
const FILE_FORMATS: readonly ReportFileFormat[] = [...TEST_REPORT_FORMATS, ...COVERAGE_REPORT_FORMATS];

/** A project can send reports to at most five report groups. */
const MAX_REPORT_GROUPS = 5;

/** Validates `reports` and returns its groups in file order. */
export function validateReports(ctx: ParseContext, field: Field): BuildspecReportGroup[] {
  const groups: BuildspecReportGroup[] = [];
  const entries = ctx.entries(field) ?? [];
  if (entries.length > MAX_REPORT_GROUPS) {
    ctx.error(
      field.at,
      field.path,
      `has ${entries.length} report groups; a project can have at most ${MAX_REPORT_GROUPS}`,
    );
  }
  for (const entry of entries) {
    const own = ctx.entries(entry);
    if (own === undefined) continue;
    ctx.warnUnknownKeys(own, REPORT_KEYS, "a report key");
    const group: BuildspecReportGroup = {
      name: entry.key,
      isArn: entry.key.startsWith("arn:"),
      files: [],
      baseDirectory: undefined,
      discardPaths: false,
      fileFormat: "JUNITXML",
      type: "TEST",
    };
    let hasFiles = false;
    for (const item of own) {
      switch (item.key) {
        case "files":
          hasFiles = true;
          group.files = readStringList(ctx, item, { allowSingle: true }) ?? [];
          break;
        case "base-directory":
          group.baseDirectory = readString(ctx, item);
          break;
        case "discard-paths":
          group.discardPaths = readBoolean(ctx, item);
          break;
        case "file-format":
          // The default file format is JUNITXML.
          group.fileFormat = readFileFormat(ctx, item) ?? group.fileFormat;
          break;
      }
    }
    group.type = (COVERAGE_REPORT_FORMATS as readonly string[]).includes(group.fileFormat)
      ? "CODE_COVERAGE"
      : "TEST";
    if (!hasFiles) {
      ctx.error(
        entry.at,
        childPath(entry.path, "files"),
        "is required: the locations of the raw report files",
      );
    }
    groups.push(group);
  }
  return groups;
}

function readFileFormat(ctx: ParseContext, field: Field): ReportFileFormat | undefined {
  const text = readString(ctx, field);
  if (text === undefined) return undefined;
  const format = FILE_FORMATS.find((f) => f === text);
  if (format !== undefined) return format;
  ctx.error(
    field.at,
    field.path,
    `must be one of ${TEST_REPORT_FORMATS.join(", ")} (test reports) or ` +
      `${COVERAGE_REPORT_FORMATS.join(", ")} (code coverage), got ${JSON.stringify(text)}`,
  );
  return undefined;
}
