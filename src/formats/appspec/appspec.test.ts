import { describe, expect, it } from "vitest";
import { AppSpecError, parseAppSpec } from "./index.js";

/** The messages of the AppSpecError `text` throws. */
function errorsOf(text: string): string[] {
  try {
    parseAppSpec(text);
  } catch (err) {
    if (err instanceof AppSpecError) return err.diagnostics.map((d) => d.toString());
    throw err;
  }
  throw new Error("expected an AppSpecError");
}

const GOOD = `version: 0.0
os: linux
files:
  - source: /
    destination: /var/www/app
  - source: config/app.conf
    destination: /etc/app/
file_exists_behavior: OVERWRITE
permissions:
  - object: /var/www/app
    pattern: "*.sh"
    except: [skip.sh]
    owner: www
    group: www
    mode: 755
    type: [file]
hooks:
  BeforeInstall:
    - location: scripts/stop.sh
      timeout: 300
      runas: root
  ApplicationStart:
    - location: /scripts/start.sh
  ValidateService:
`;

describe("parseAppSpec", () => {
  it("reads files, permissions and hooks with AWS's defaults", () => {
    const spec = parseAppSpec(GOOD);
    expect(spec.files).toEqual([
      { source: "", destination: "/var/www/app" },
      { source: "config/app.conf", destination: "/etc/app" },
    ]);
    expect(spec.fileExistsBehavior).toBe("OVERWRITE");
    expect(spec.permissions).toEqual([
      {
        object: "/var/www/app",
        pattern: "*.sh",
        except: ["skip.sh"],
        owner: "www",
        group: "www",
        mode: 0o755,
        type: ["file"],
      },
    ]);
    expect(spec.hooks.BeforeInstall).toEqual([
      { location: "scripts/stop.sh", timeoutSeconds: 300, runas: "root" },
    ]);
    // A leading / is the revision's root, as AWS joins it to the archive directory.
    expect(spec.hooks.ApplicationStart).toEqual([
      { location: "scripts/start.sh", timeoutSeconds: 3600, runas: undefined },
    ]);
    expect(spec.hooks.ValidateService).toEqual([]);
  });

  it("accepts version as a quoted string and a spec with only hooks", () => {
    const spec = parseAppSpec(`version: "0.0"\nos: linux\nhooks:\n  AfterInstall:\n    - location: a.sh\n`);
    expect(spec.files).toEqual([]);
    expect(spec.fileExistsBehavior).toBeUndefined();
  });

  it("names file, line, key path and what would be right", () => {
    const errors = errorsOf(
      `version: 0.0\nos: linux\nhooks:\n  BeforeInstall:\n    - location: a.sh\n      timeout: 7200\n`,
    );
    expect(errors).toEqual([
      "appspec.yml:6:16: hooks.BeforeInstall[0].timeout must be a whole number of seconds from 1 to 3600, got the number 7200",
    ]);
  });

  it("refuses windows clearly, and a wrong version", () => {
    expect(errorsOf(`version: 0.0\nos: windows\n`)).toEqual([
      "appspec.yml:2:5: os is windows: this agent runs on Linux only; use os: linux",
    ]);
    expect(errorsOf(`version: 1.0\nos: linux\n`)[0]).toBe(
      "appspec.yml:1:10: version must be 0.0 (the only AppSpec version), got the number 1",
    );
    expect(errorsOf(`os: linux\n`)[0]).toContain("version is required");
  });

  it("refuses unknown hook names, suggesting the right ones", () => {
    const [error] = errorsOf(`version: 0.0\nos: linux\nhooks:\n  BeforeInstal:\n    - location: a.sh\n`);
    expect(error).toMatch(/^appspec.yml:4:3: hooks.BeforeInstal is not a lifecycle event .* BeforeInstall/);
  });

  it("refuses wrong types", () => {
    const errors = errorsOf(
      `version: 0.0\nos: linux\nfiles: /var\npermissions:\n  - object: /x\n    mode: rwx\nhooks:\n  AfterInstall: run.sh\n`,
    );
    expect(errors).toEqual([
      'appspec.yml:3:8: files must be a list of {source, destination}, got the string "/var"',
      'appspec.yml:6:11: permissions[0].mode must be octal permission digits such as 644 or 0755, got "rwx"',
      'appspec.yml:8:17: hooks.AfterInstall must be a list of {location, timeout, runas}, got the string "run.sh"',
    ]);
    expect(errorsOf(`- a\n- b\n`)[0]).toContain(
      "must be a mapping that starts with version: 0.0, got a list",
    );
    expect(errorsOf(``)[0]).toContain("is empty");
  });

  it("refuses sources and scripts that climb out of the revision, and relative destinations", () => {
    const errors = errorsOf(
      `version: 0.0\nos: linux\nfiles:\n  - source: ../../etc/passwd\n    destination: /tmp\n  - source: a\n    destination: relative/dir\n  - source: b\n    destination: /srv/../etc\nhooks:\n  AfterInstall:\n    - location: scripts/../../x.sh\n`,
    );
    expect(errors).toEqual([
      'appspec.yml:4:13: files[0].source must stay inside the revision (no ..), got "../../etc/passwd"',
      'appspec.yml:7:18: files[1].destination must be an absolute path such as /var/www/html, got "relative/dir"',
      'appspec.yml:9:18: files[2].destination must not contain .. (write the path it means), got "/srv/../etc"',
      'appspec.yml:12:17: hooks.AfterInstall[0].location must stay inside the revision (no ..), got "scripts/../../x.sh"',
    ]);
  });

  it("keeps an absolute source inside the revision", () => {
    const spec = parseAppSpec(
      `version: 0.0\nos: linux\nfiles:\n  - source: /etc/passwd\n    destination: /srv\n`,
    );
    expect(spec.files[0]?.source).toBe("etc/passwd");
  });

  it("refuses missing keys and unknown keys", () => {
    const errors = errorsOf(`version: 0.0\nos: linux\nfiles:\n  - source: a\n    target: /x\nextra: 1\n`);
    expect(errors).toEqual([
      "appspec.yml:4:5: files[0].destination is required; it must be an absolute path on the instance",
      "appspec.yml:5:5: files[0].target is not a known key here; expected source, destination",
      "appspec.yml:6:1: extra is not an appspec key; expected one of version, os, files, permissions, hooks, file_exists_behavior",
    ]);
  });

  it("stops an alias bomb instead of expanding it", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "version: 0.0",
      "os: linux",
      "files: [*e]",
      "permissions: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
    ].join("\n");
    // Nothing here is expanded: each alias is one value of the wrong shape.
    const errors = errorsOf(bomb);
    expect(errors).toHaveLength(16);
    expect(errors[0]).toContain("a is not an appspec key");
    expect(errors).toContain(
      "appspec.yml:5:7: files[0] must be a mapping with source and destination, got a list",
    );
  });

  it("stops a wide document through its visit budget", () => {
    const hook = Array.from({ length: 30_000 }, () => "    - location: a.sh").join("\n");
    expect(errorsOf(`version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n${hook}\n`)).toEqual([
      "appspec.yml:1:1: expands to too many values through anchors and aliases (&a / *a), or has too many entries; write fewer",
    ]);
  });

  it("resolves ordinary aliases", () => {
    const spec = parseAppSpec(
      `version: 0.0\nos: linux\nhooks:\n  AfterInstall: &s\n    - location: a.sh\n  ApplicationStart: *s\n`,
    );
    expect(spec.hooks.ApplicationStart).toEqual(spec.hooks.AfterInstall);
  });

  it("refuses a huge document and YAML syntax errors, and duplicate keys", () => {
    expect(errorsOf(`version: 0.0\nos: linux\n# ${"x".repeat(2 * 1024 * 1024)}\n`)[0]).toContain(
      "is larger than",
    );
    expect(errorsOf(`version: 0.0\nos: [linux\n`)[0]).toMatch(/^appspec.yml:\d+:\d+: YAML syntax error/);
    expect(errorsOf(`version: 0.0\nos: linux\nos: linux\n`)[0]).toMatch(
      /YAML syntax error: Map keys must be unique/,
    );
  });

  it("uses the file name it is given", () => {
    expect(() => parseAppSpec("version: 2\nos: linux\n", "custom.yaml")).toThrow(
      /^custom.yaml:1:10: version/,
    );
  });
});
