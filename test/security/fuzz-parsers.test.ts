/**
 * Every parser that reads what a user sends — buildspecs, S3's XML, signatures, git's SSH commands,
 * SSH keys, approval rules, ARNs, reference strings, archives, test reports — given hostile input
 * near valid input and far from it: each either answers or throws its own documented error, never
 * a TypeError, a stack overflow or a hang, and nothing it accepts can name a path outside.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceError } from "../../src/core/errors.js";
import { parseArn } from "../../src/core/ids.js";
import { parseBuildspec } from "../../src/formats/buildspec/parse.js";
import { parseOnFailure } from "../../src/formats/buildspec/on-failure.js";
import { parseSecretsManagerReference } from "../../src/formats/buildspec/secrets-manager.js";
import { parseBasicAuth } from "../../src/http/git-auth.js";
import { parseGitSshCommand } from "../../src/http/git-ssh-command.js";
import { checkJsonDepth } from "../../src/http/json-input.js";
import { AwsChunkedDecoder, AwsChunkedError } from "../../src/http/s3/chunked.js";
import { parseTarget } from "../../src/http/s3/request.js";
import { parseXml, XmlSyntaxError } from "../../src/http/s3/xml-parse.js";
import { verifySigV4 } from "../../src/http/sigv4.js";
import {
  canonicalEntryName,
  checkZip,
  forEachTarEntry,
  forEachZipEntry,
  readAll,
  safeEntryName,
  UnsafeEntryNameError,
  UnsafeZipError,
  ZipWriter,
  zipToTar,
} from "../../src/platform/archive/index.js";
import { parseCucumber, parseJUnit } from "../../src/runner/build/test-reports.js";
import { parseListing } from "../../src/runner/workspace/file-list.js";
import { parseApprovalRuleContent } from "../../src/services/codecommit/approvals/rule-content.js";
import { parseSshPublicKeyBody } from "../../src/services/iam/ssh-key-format.js";
import { parseParameterRef } from "../../src/services/ssm/names.js";
import { budget, hostileBytes, hostileText, onlyExpectedErrors } from "./fuzz-support.js";

const serviceError =
  (...codes: string[]) =>
  (err: unknown) =>
    err instanceof ServiceError && codes.includes(err.code);
const never = () => false;

/** No accepted path may be absolute or climb out. */
function contained(name: string): boolean {
  return !name.startsWith("/") && !name.split("/").includes("..") && !name.includes("\0");
}

const BUILDSPEC = `version: 0.2
env:
  shell: bash
  variables:
    A: "1"
  parameter-store:
    TOKEN: /ci/token
  secrets-manager:
    KEY: ci/api:key
  exported-variables: [A]
phases:
  install:
    runtime-versions:
      nodejs: 20
    commands:
      - echo install
  build:
    on-failure: CONTINUE
    commands:
      - echo "build"
    finally:
      - echo done
reports:
  unit:
    files: ["**/*.xml"]
    base-directory: reports
    file-format: JUNITXML
artifacts:
  files:
    - '**/*'
  base-directory: dist
  discard-paths: yes
  secondary-artifacts:
    web:
      files: [index.html]
cache:
  paths:
    - /root/.m2/**/*
`;

const S3_XML = `<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Part><PartNumber>1</PartNumber><ETag>"a54357aff0632cce46d942af68356b38"</ETag></Part>
</CompleteMultipartUpload>`;

const JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="s" tests="2"><testcase classname="c" name="t1" time="0.5"/>
<testcase name="t2"><failure message="boom">trace &amp; more</failure></testcase>
<testsuite name="inner"><testcase name="t3"><skipped/></testcase></testsuite></testsuite></testsuites>`;

const CUCUMBER = JSON.stringify([
  { name: "f", elements: [{ name: "s", steps: [{ result: { status: "passed", duration: 10 } }] }] },
]);

const AUTHORIZATION =
  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261204/us-east-1/codebuild/aws4_request, " +
  "SignedHeaders=host;x-amz-date, Signature=" +
  "a".repeat(64);

const PRESIGNED =
  "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261204%2F" +
  "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261204T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host" +
  `&X-Amz-Signature=${"b".repeat(64)}`;

describe("parsers under hostile input", () => {
  it("buildspec: a result with diagnostics, never an exception", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileText([BUILDSPEC, "version: 0.2\nphases: {build: {commands: [x]}}"]),
        async (text) => {
          const result = await onlyExpectedErrors(
            () => parseBuildspec(text, { fileName: "buildspec.yml" }),
            never,
          );
          if (result && !result.ok) {
            expect(result.errors.length).toBeGreaterThan(0);
            expect(result.errors.length).toBeLessThanOrEqual(20);
          }
        },
      ),
      budget(),
    );
    fc.assert(
      fc.property(hostileText(["CONTINUE", "ABORT", "RETRY-3", "RETRY-2-CONTINUE"]), (text) => {
        parseOnFailure(text);
      }),
      budget(0.25),
    );
  });

  it("S3 XML bodies: an element or XmlSyntaxError", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileText([S3_XML, "<Delete><Object><Key>a&lt;b</Key></Object></Delete>"]),
        async (text) => {
          await onlyExpectedErrors(
            () => parseXml(text),
            (err) => err instanceof XmlSyntaxError,
          );
        },
      ),
      budget(),
    );
  });

  it("SigV4 headers and presigned URLs: a refusal, never an exception", () => {
    const options = {
      lookupSecret: (id: string) => (id === "AKIAIOSFODNN7EXAMPLE" ? "secret" : undefined),
      now: Date.UTC(2026, 11, 4),
      maxSkewSeconds: 900,
      s3: false,
      scope: { service: "codebuild", regions: ["us-east-1"] },
    };
    fc.assert(
      fc.property(hostileText([AUTHORIZATION]), hostileText(["/", "/a%20b?x=1&y"]), (auth, url) => {
        const result = verifySigV4(
          {
            method: "POST",
            url,
            rawHeaders: ["Host", "h", "Authorization", auth, "X-Amz-Date", "20261204T000000Z"],
          },
          options,
        );
        expect(result.ok).toBe(false);
      }),
      budget(),
    );
    fc.assert(
      fc.property(hostileText([PRESIGNED]), (url) => {
        expect(
          verifySigV4({ method: "GET", url, rawHeaders: ["Host", "h"] }, { ...options, s3: true }).ok,
        ).toBe(false);
      }),
      budget(),
    );
  });

  it("S3 request targets: bucket and key, or InvalidURI", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileText(["/bucket/a/b%20c?list-type=2&prefix=x", "/b/%2e%2e/k?uploads"]),
        async (url) => {
          await onlyExpectedErrors(() => parseTarget(url), serviceError("InvalidURI"));
        },
      ),
      budget(),
    );
  });

  it("aws-chunked bodies: decoded bytes or AwsChunkedError", async () => {
    const seed = Buffer.from("5;chunk-signature=x\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
    await fc.assert(
      fc.asyncProperty(hostileBytes([seed]), async (body) => {
        const decoder = new AwsChunkedDecoder({ trailerNames: ["x-amz-checksum-crc32"] });
        const done = new Promise<void>((resolve, reject) => {
          decoder.on("error", reject);
          decoder.on("end", resolve);
          decoder.resume();
        });
        decoder.end(body);
        await onlyExpectedErrors(
          () => done,
          (err) => err instanceof AwsChunkedError,
        );
      }),
      budget(0.5),
    );
  });

  it("git over SSH: a repository name without a slash, or a message", () => {
    fc.assert(
      fc.property(
        hostileText(["git-upload-pack '/v1/repos/demo'", "git-receive-pack 'v1/repos/a'\\''b'"]),
        (command) => {
          const parsed = parseGitSshCommand(command);
          if (parsed.ok) expect(parsed.repositoryName).not.toContain("/");
          else expect(parsed.message.length).toBeLessThan(1000);
        },
      ),
      budget(),
    );
    fc.assert(
      fc.property(hostileText(["Basic dXNlcjpwYXNz", "Basic ", "Bearer x"]), (header) => {
        parseBasicAuth(header);
      }),
      budget(0.5),
    );
  });

  it("IAM SSH keys, approval rules, ARNs and reference strings: their own errors only", async () => {
    const sshKey =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host";
    await fc.assert(
      fc.asyncProperty(
        hostileText([sshKey, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----"]),
        async (body) => {
          await onlyExpectedErrors(
            () => parseSshPublicKeyBody(body),
            serviceError("InvalidPublicKey", "UnrecognizedPublicKeyEncoding"),
          );
        },
      ),
      budget(),
    );
    const rule = JSON.stringify({
      Version: "2018-11-08",
      DestinationReferences: ["refs/heads/main"],
      Statements: [
        {
          Type: "Approvers",
          NumberOfApprovalsNeeded: 1,
          ApprovalPoolMembers: ["arn:aws:iam::123456789012:user/*"],
        },
      ],
    });
    await fc.assert(
      fc.asyncProperty(hostileText([rule]), async (text) => {
        await onlyExpectedErrors(
          () => parseApprovalRuleContent(text),
          serviceError("InvalidApprovalRuleContentException"),
        );
      }),
      budget(),
    );
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
    fc.assert(
      fc.property(hostileText([arn, `${arn}:password:AWSCURRENT:`, "ci/api:key", "/ci/token:3"]), (text) => {
        parseArn(text);
        parseSecretsManagerReference(text);
        parseParameterRef(text, "123456789012", "us-east-1");
      }),
      budget(),
    );
  });

  it("JSON depth checks and sandbox listings: never an exception but the documented one", async () => {
    await fc.assert(
      fc.asyncProperty(hostileBytes([Buffer.from('{"a":[{"b":"[\\"{"}]}')]), async (body) => {
        await onlyExpectedErrors(() => checkJsonDepth(body, 8), serviceError("SerializationException"));
      }),
      budget(0.5),
    );
    fc.assert(
      fc.property(hostileBytes([Buffer.from("f\ta.txt\0d\tdir\0l\tlink\0")]), (bytes) => {
        for (const listed of parseListing(bytes)) expect(listed.path).not.toBe("");
      }),
      budget(0.5),
    );
  });

  it("test reports: test cases or an error, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText([JUNIT]), async (text) => {
        await onlyExpectedErrors(
          () => parseJUnit(text, "r.xml"),
          (err) => err instanceof Error && !(err instanceof TypeError),
        );
      }),
      budget(),
    );
    await fc.assert(
      fc.asyncProperty(hostileText([CUCUMBER]), async (text) => {
        await onlyExpectedErrors(
          () => parseCucumber(text, "c.json"),
          (err) => err instanceof Error && !(err instanceof TypeError),
        );
      }),
      budget(),
    );
  });
});

describe("archives under hostile input", () => {
  let dir: string;
  let seeds: Buffer[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "pw-fuzz-"));
    const file = path.join(dir, "seed.zip");
    const writer = await ZipWriter.create(file);
    writer.addDirectory("dir");
    const added = writer.addStream("dir/a.txt", bufferStream("hello"), { mode: 0o644 });
    writer.addSymlink("dir/link", "a.txt");
    await writer.close();
    await added;
    seeds = [readFileSync(file)];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("entry names: a contained relative path or UnsafeEntryNameError", () => {
    fc.assert(
      fc.property(hostileText(["a/b.txt", "./x/../y", "C:\\w\\x", "/etc/passwd"]), (name) => {
        let safe: string;
        try {
          safe = safeEntryName(name);
        } catch (err) {
          if (err instanceof UnsafeEntryNameError) return;
          throw err;
        }
        expect(contained(safe)).toBe(true);
      }),
      budget(),
    );
  });

  it("canonical entry names: the name itself, contained and without control characters, or UnsafeEntryNameError", () => {
    fc.assert(
      fc.property(hostileText(["a/b.txt", "dir/", "a//b", "./a", "a\u0001b", "C:\\w"]), (name) => {
        let canonical: string;
        try {
          canonical = canonicalEntryName(name);
        } catch (err) {
          if (err instanceof UnsafeEntryNameError) return;
          throw err;
        }
        expect(contained(canonical)).toBe(true);
        expect(name === canonical || name === `${canonical}/`).toBe(true);
        expect(canonical.split("/")).not.toContain("");
        expect([...canonical].some((c) => c.charCodeAt(0) < 0x20 || c === "\u007f" || c === "\\")).toBe(
          false,
        );
      }),
      budget(),
    );
  });

  it("whole-zip checks: canonical entries, or UnsafeZipError / UnsafeEntryNameError and nothing else", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileBytes(seeds), async (bytes) => {
        const file = path.join(dir, `c${n++}.zip`);
        writeFileSync(file, bytes);
        const entries = await onlyExpectedErrors(
          () => checkZip(file, { symlinks: "allow", verifyData: true }),
          (err) => err instanceof UnsafeZipError || err instanceof UnsafeEntryNameError,
        );
        for (const entry of entries ?? []) expect(canonicalEntryName(entry.name)).toBe(entry.name);
      }),
      budget(0.5),
    );
  });

  it("zip files: contained entries, or an error; never an uncaught one", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileBytes(seeds), async (bytes) => {
        const file = path.join(dir, `z${n++}.zip`);
        writeFileSync(file, bytes);
        await onlyExpectedErrors(
          () =>
            forEachZipEntry(file, async (entry) => {
              expect(contained(entry.name)).toBe(true);
              if (entry.type !== "directory") await readAll(await entry.open());
            }),
          (err) => err instanceof Error && !(err instanceof TypeError),
        );
        const tar = await zipToTar(file);
        await onlyExpectedErrors(
          () =>
            forEachTarEntry(tar, async (entry) => {
              expect(contained(entry.name)).toBe(true);
            }),
          (err) => err instanceof Error && !(err instanceof TypeError),
        );
      }),
      budget(0.5),
    );
  });

  it("tar streams: contained entries, or an error", async () => {
    const tar = await zipToTar(path.join(dir, "seed.zip"));
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(chunk as Buffer);
    await fc.assert(
      fc.asyncProperty(hostileBytes([Buffer.concat(chunks)]), async (bytes) => {
        await onlyExpectedErrors(
          () =>
            forEachTarEntry(bufferStream(bytes), async (entry) => {
              expect(contained(entry.name)).toBe(true);
            }),
          (err) => err instanceof Error && !(err instanceof TypeError),
        );
      }),
      budget(0.5),
    );
  });
});

function bufferStream(content: string | Buffer): PassThrough {
  const stream = new PassThrough();
  stream.end(content);
  return stream;
}
