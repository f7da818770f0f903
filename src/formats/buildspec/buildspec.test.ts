import { describe, expect, it } from "vitest";
import { effectiveRunAs, parseBuildspec, type Buildspec, type ParseResult } from "./index.js";

function parsed(text: string): { buildspec: Buildspec; warnings: string[] } {
  const result = parseBuildspec(text);
  if (!result.ok) throw new Error(`expected a valid buildspec:\n${result.errors.join("\n")}`);
  return { buildspec: result.buildspec, warnings: result.warnings.map(String) };
}

function messages(result: ParseResult): { errors: string[]; warnings: string[] } {
  return { errors: result.ok ? [] : result.errors.map(String), warnings: result.warnings.map(String) };
}

const REALISTIC = `version: 0.2

run-as: builder

env:
  shell: bash
  variables:
    JAVA_HOME: "/usr/lib/jvm/java-17"
    RETRIES: 3
    DEBUG: yes
    PYTHON_VERSION: 3.10
  parameter-store:
    LOGIN_PASSWORD: /CodeBuild/dockerLoginPassword
  secrets-manager:
    DB_PASSWORD: prod/db:password
    API_TOKEN: arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf:token:AWSPREVIOUS
  exported-variables:
    - IMAGE_TAG
  git-credential-helper: yes

proxy:
  upload-artifacts: yes
  logs: no

phases:
  build:
    on-failure: CONTINUE
    commands:
      - echo Build started on \`date\`
      - mvn install
    finally:
      - echo done
  install:
    run-as: root
    runtime-versions:
      java: corretto17
      python: 3.10
      nodejs: 18
    commands:
      - apt-get update -y
  post_build:
    on-failure: RETRY-2-timeout.*
    commands:
      - |
        if [ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]; then
          echo ok
        fi

reports:
  arn:aws:codebuild:us-east-1:123456789012:report-group/unit:
    files:
      - "**/*"
    base-directory: target/surefire-reports
    discard-paths: no
  coverage:
    files: coverage/clover.xml
    file-format: CLOVERXML

artifacts:
  files:
    - target/app.jar
    - 'scripts/**/*'
  name: app-$(date +%Y-%m-%d)
  discard-paths: yes
  base-directory: .
  exclude-paths: ["**/*.tmp"]
  enable-symlinks: true
  s3-prefix: builds
  secondary-artifacts:
    docs:
      files:
        - docs/**/*
      discard-paths: no

cache:
  key: npm-$(codebuild-hash-files package-lock.json)
  fallback-keys:
    - npm-
  action: restore
  paths:
    - /root/.m2/**/*
`;

describe("parseBuildspec: a full buildspec", () => {
  it("parses every section into the typed object", () => {
    const { buildspec, warnings } = parsed(REALISTIC);
    expect(warnings).toEqual([]);
    expect(buildspec).toEqual({
      version: "0.2",
      shellPerCommand: false,
      runAs: "builder",
      env: {
        shell: "bash",
        variables: { JAVA_HOME: "/usr/lib/jvm/java-17", RETRIES: "3", DEBUG: "yes", PYTHON_VERSION: "3.10" },
        parameterStore: { LOGIN_PASSWORD: "/CodeBuild/dockerLoginPassword" },
        secretsManager: {
          DB_PASSWORD: {
            reference: "prod/db:password",
            secretId: "prod/db",
            jsonKey: "password",
            versionStage: undefined,
            versionId: undefined,
          },
          API_TOKEN: {
            reference: "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf:token:AWSPREVIOUS",
            secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf",
            jsonKey: "token",
            versionStage: "AWSPREVIOUS",
            versionId: undefined,
          },
        },
        exportedVariables: ["IMAGE_TAG"],
        gitCredentialHelper: true,
      },
      proxy: { uploadArtifacts: true, logs: false },
      batch: undefined,
      phases: [
        {
          name: "install",
          type: "INSTALL",
          declared: true,
          runAs: "root",
          onFailure: { action: "ABORT" },
          runtimeVersions: { java: "corretto17", python: "3.10", nodejs: "18" },
          commands: ["apt-get update -y"],
          finally: [],
        },
        {
          name: "pre_build",
          type: "PRE_BUILD",
          declared: false,
          runAs: undefined,
          onFailure: { action: "ABORT" },
          runtimeVersions: {},
          commands: [],
          finally: [],
        },
        {
          name: "build",
          type: "BUILD",
          declared: true,
          runAs: undefined,
          onFailure: { action: "CONTINUE" },
          runtimeVersions: {},
          commands: ["echo Build started on `date`", "mvn install"],
          finally: ["echo done"],
        },
        {
          name: "post_build",
          type: "POST_BUILD",
          declared: true,
          runAs: undefined,
          onFailure: { action: "RETRY", maxRetries: 2, pattern: "timeout.*", flags: "" },
          runtimeVersions: {},
          commands: ['if [ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]; then\n  echo ok\nfi\n'],
          finally: [],
        },
      ],
      reports: [
        {
          name: "arn:aws:codebuild:us-east-1:123456789012:report-group/unit",
          isArn: true,
          files: ["**/*"],
          baseDirectory: "target/surefire-reports",
          discardPaths: false,
          fileFormat: "JUNITXML",
          type: "TEST",
        },
        {
          name: "coverage",
          isArn: false,
          files: ["coverage/clover.xml"],
          baseDirectory: undefined,
          discardPaths: false,
          fileFormat: "CLOVERXML",
          type: "CODE_COVERAGE",
        },
      ],
      artifacts: {
        files: ["target/app.jar", "scripts/**/*"],
        name: "app-$(date +%Y-%m-%d)",
        discardPaths: true,
        baseDirectory: ".",
        excludePaths: ["**/*.tmp"],
        enableSymlinks: true,
        s3Prefix: "builds",
        secondaryArtifacts: [
          {
            identifier: "docs",
            files: ["docs/**/*"],
            name: undefined,
            discardPaths: false,
            baseDirectory: undefined,
            excludePaths: [],
            enableSymlinks: false,
            s3Prefix: undefined,
          },
        ],
      },
      cache: {
        paths: ["/root/.m2/**/*"],
        key: "npm-$(codebuild-hash-files package-lock.json)",
        fallbackKeys: ["npm-"],
        action: "restore",
      },
    } satisfies Buildspec);
  });

  it("lets a phase's run-as win over the top-level one", () => {
    const { buildspec } = parsed(REALISTIC);
    const [install, preBuild] = buildspec.phases;
    expect(install && effectiveRunAs(buildspec, install)).toBe("root");
    expect(preBuild && effectiveRunAs(buildspec, preBuild)).toBe("builder");
  });

  it("parses the same buildspec written with Windows CRLF line endings", () => {
    const crlf = REALISTIC.replace(/\n/g, "\r\n");
    const { buildspec, warnings } = parsed(crlf);
    expect(warnings).toEqual([]);
    expect(buildspec).toEqual(parsed(REALISTIC).buildspec);
  });

  it("reports positions on the right line for CRLF files", () => {
    const result = parseBuildspec("version: 0.2\r\nphases:\r\n  build:\r\n    commands: {a: b}\r\n");
    expect(messages(result).errors).toEqual([
      "buildspec.yml:4:15: phases.build.commands must be a list of strings, got a mapping",
    ]);
  });

  it("ignores a byte order mark", () => {
    const result = parseBuildspec("\uFEFFversion: 0.2\nphases:\n  build:\n    commands: [x]\nbad: 1\n");
    expect(messages(result).warnings).toEqual([
      "buildspec.yml:5:1: bad is not a buildspec key and is ignored",
    ]);
  });
});
