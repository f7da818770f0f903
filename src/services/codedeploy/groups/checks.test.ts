import { describe, expect, it } from "vitest";
import { checkConfigBody, checkMinimumHealthyHosts } from "../configs/checks.js";
import { checkIdentity } from "../instances/checks.js";
import { checkName, APPLICATION_NAME } from "../names.js";
import { checkRevisionShape } from "../revisions/checks.js";
import { revisionKey } from "../revisions/identity.js";
import { applySettings, checkTagFilter, defaultSettings } from "./checks.js";

const ROLE = "arn:aws:iam::111111111111:role/cd";
const base = () => defaultSettings("Server", "CodeDeployDefault.OneAtATime", ROLE);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "no error";
};

describe("deployment group checks", () => {
  it("keeps what an update does not give and clears what it empties", () => {
    const created = applySettings(base(), { onPremisesInstanceTagFilters: [{ Key: "env", Value: "prod" }] });
    expect(created.onPremisesInstanceTagFilters).toEqual([
      { Key: "env", Value: "prod", Type: "KEY_AND_VALUE" },
    ]);
    const updated = applySettings(created, { outdatedInstancesStrategy: "IGNORE" });
    expect(updated.onPremisesInstanceTagFilters).toHaveLength(1);
    expect(updated.outdatedInstancesStrategy).toBe("IGNORE");
    const switched = applySettings(updated, {
      onPremisesInstanceTagFilters: [],
      onPremisesTagSet: { onPremisesTagSetList: [[{ Key: "env", Type: "KEY_ONLY" }]] },
    });
    expect(switched.onPremisesInstanceTagFilters).toEqual([]);
    // A tag set added to a group that keeps its filters is refused.
    expect(
      code(() => applySettings(updated, { onPremisesTagSet: { onPremisesTagSetList: [[{ Key: "a" }]] } })),
    ).toBe("InvalidOnPremisesTagCombinationException");
  });

  it("refuses malformed filters with the exception of their kind", () => {
    expect(code(() => checkTagFilter({ Type: "KEY_ONLY" }, "f", "InvalidTagException"))).toBe(
      "InvalidTagException",
    );
    expect(
      code(() => checkTagFilter({ Key: "a", Type: "KEY_AND_VALUE" }, "f", "InvalidEC2TagException")),
    ).toBe("InvalidEC2TagException");
    expect(checkTagFilter({ Key: "a", Value: "b", Type: "KEY_ONLY" }, "f", "InvalidTagException")).toEqual({
      Key: "a",
      Type: "KEY_ONLY",
    });
  });

  it("checks the deployment style against what it needs", () => {
    expect(
      code(() =>
        applySettings(base(), {
          deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITHOUT_TRAFFIC_CONTROL" },
        }),
      ),
    ).toBe("InvalidDeploymentStyleException");
    expect(
      applySettings(base(), {
        deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        loadBalancerInfo: { elbInfoList: [{ name: "lb" }] },
      }).deploymentStyle,
    ).toEqual({ deploymentType: "IN_PLACE", deploymentOption: "WITH_TRAFFIC_CONTROL" });
    expect(
      code(() =>
        applySettings(base(), {
          deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
          loadBalancerInfo: { elbInfoList: [{ name: "lb" }] },
          blueGreenDeploymentConfiguration: { deploymentReadyOption: { waitTimeInMinutes: 2881 } },
        }),
      ),
    ).toBe("InvalidBlueGreenDeploymentConfigurationException");
  });
});

describe("configuration, revision, instance and name checks", () => {
  it("bounds minimum healthy hosts", () => {
    expect(checkMinimumHealthyHosts({ type: "FLEET_PERCENT", value: 99 }, "m")).toEqual({
      type: "FLEET_PERCENT",
      value: 99,
    });
    expect(code(() => checkMinimumHealthyHosts({ type: "FLEET_PERCENT", value: 100 }, "m"))).toBe(
      "InvalidMinimumHealthyHostValueException",
    );
    expect(checkMinimumHealthyHosts({ type: "HOST_COUNT", value: 500 }, "m").value).toBe(500);
    expect(
      code(() => checkConfigBody({ computePlatform: "Server", trafficRoutingConfig: { type: "AllAtOnce" } })),
    ).toBe("InvalidTrafficRoutingConfigurationException");
    expect(checkConfigBody({ computePlatform: "Lambda" })).toEqual({
      trafficRoutingConfig: { type: "AllAtOnce" },
    });
  });

  it("identifies revisions by location, and inline content by its hash", () => {
    const s3 = {
      revisionType: "S3" as const,
      s3Location: { bucket: "b", key: "k", bundleType: "zip" as const },
    };
    expect(revisionKey(s3)).toBe(revisionKey({ ...s3, appSpecContent: { content: "ignored" } }));
    expect(revisionKey(s3)).not.toBe(revisionKey({ ...s3, s3Location: { ...s3.s3Location, eTag: "x" } }));
    expect(revisionKey({ revisionType: "AppSpecContent", appSpecContent: { content: "a" } })).toBe(
      revisionKey({ revisionType: "AppSpecContent", appSpecContent: { content: "a", sha256: "whatever" } }),
    );
    expect(
      code(() => checkRevisionShape({ revisionType: "S3", s3Location: { bucket: "b", key: "k" } })),
    ).toBe("InvalidRevisionException");
  });

  it("takes exactly one IAM identity for an instance", () => {
    expect(checkIdentity({ iamUserArn: "arn:aws:iam::111111111111:user/ops/host" })).toEqual({
      iamUserArn: "arn:aws:iam::111111111111:user/ops/host",
    });
    expect(code(() => checkIdentity({}))).toBe("IamArnRequiredException");
    expect(code(() => checkIdentity({ iamSessionArn: "arn:aws:sts::1:assumed-role/r" }))).toBe(
      "InvalidIamSessionArnException",
    );
  });

  it("refuses names that are empty, long or hold path and ARN characters", () => {
    expect(checkName("my-app_1.0", APPLICATION_NAME)).toBe("my-app_1.0");
    expect(code(() => checkName(undefined, APPLICATION_NAME))).toBe("ApplicationNameRequiredException");
    for (const name of ["a/b", "..\\x", "a:b", "x".repeat(101), "a\nb", "é"]) {
      expect(code(() => checkName(name, APPLICATION_NAME))).toBe("InvalidApplicationNameException");
    }
  });
});
