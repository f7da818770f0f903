import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { send, startLoad, startTargets, type TestTarget } from "./fixtures/targets.fixture.js";
import { startLoadBalancer, type LoadBalancer } from "./index.js";

// The promise made to users: 20 requests/s through the balancer during a one-at-a-time in-place
// deployment, a blue/green switch or an instance crash, and not one of them fails.

let balancer: LoadBalancer | undefined;
let targets: TestTarget[] = [];

afterEach(async () => {
  await balancer?.close();
  await Promise.all(targets.map((t) => t.kill()));
  balancer = undefined;
  targets = [];
});

describe("traffic during deployments", () => {
  it("a one-at-a-time in-place deployment to 3 instances fails no request", async () => {
    targets = await startTargets("i-", 3);
    balancer = await startLoadBalancer({
      name: "app-group",
      healthCheck: { path: "/health", intervalMs: 200 },
    });
    for (const t of targets) balancer.register(t.target);
    const load = startLoad(balancer.port, 20);
    await sleep(500);
    for (const target of targets) {
      // BlockTraffic, ApplicationStop, install, ApplicationStart, ValidateService, AllowTraffic.
      await balancer.deregister(target.id, { drainMs: 2_000 });
      expect(balancer.targets().map((t) => t.id)).not.toContain(target.id);
      await target.stop();
      await sleep(300);
      await target.start();
      balancer.register(target.target);
      await sleep(300);
    }
    await sleep(500);
    const report = await load.stop();
    expect(report.errors).toEqual([]);
    expect(report.byStatus[200]).toBe(report.sent);
    expect(report.sent).toBeGreaterThan(40);
    // Every instance served again once re-registered.
    expect(Object.keys(report.byTarget).sort()).toEqual(["i-1", "i-2", "i-3"]);
  });

  it("a blue/green switch from set A to set B, A then killed, fails no request", async () => {
    const blue = await startTargets("blue-", 3);
    const green = await startTargets("green-", 3);
    targets = [...blue, ...green];
    balancer = await startLoadBalancer({ name: "bg-group" });
    await balancer.replaceTargets(blue.map((t) => t.target));
    const load = startLoad(balancer.port, 20);
    await sleep(700);
    await balancer.replaceTargets(
      green.map((t) => t.target),
      { drainMs: 2_000 },
    );
    expect(balancer.targets().map((t) => t.id)).toEqual(["green-1", "green-2", "green-3"]);
    await Promise.all(blue.map((t) => t.kill()));
    await sleep(1_000);
    const before = blue.reduce((n, t) => n + t.seen.length, 0);
    await sleep(500);
    const report = await load.stop();
    expect(report.errors).toEqual([]);
    expect(report.byStatus[200]).toBe(report.sent);
    // After the switch nothing reaches the old set.
    expect(blue.reduce((n, t) => n + t.seen.length, 0)).toBe(before);
    expect(green.every((t) => t.seen.length > 0)).toBe(true);
  });

  it("a one-at-a-time deployment of a single instance fails no request (they wait for it)", async () => {
    targets = await startTargets("i-", 1);
    const [only] = targets as [TestTarget];
    balancer = await startLoadBalancer({ name: "solo-group" });
    balancer.register(only.target);
    const load = startLoad(balancer.port, 20);
    await sleep(300);
    await balancer.deregister(only.id, { drainMs: 2_000 });
    await only.stop();
    await sleep(300);
    await only.start();
    balancer.register(only.target);
    await sleep(500);
    const report = await load.stop();
    expect(report.errors).toEqual([]);
    expect(report.byStatus[200]).toBe(report.sent);
  });

  it.each([
    ["without health checks", undefined],
    ["with health checks", { path: "/health", intervalMs: 200 }],
  ])(
    "an instance killed without being deregistered fails no request (retried on another), %s",
    async (_, healthCheck) => {
      targets = await startTargets("i-", 3);
      balancer = await startLoadBalancer({ name: "crash-group", healthCheck });
      for (const t of targets) balancer.register(t.target);
      const load = startLoad(balancer.port, 20);
      await sleep(500);
      const victim = targets[1]!;
      await victim.kill();
      await sleep(1_500);
      expect(balancer.targets().find((t) => t.id === victim.id)?.state).toBe("unhealthy");
      // Restarted on the same port: a health check, or without them a request, proves it is back.
      await victim.start();
      await sleep(2_000);
      const report = await load.stop();
      expect(report.errors).toEqual([]);
      expect(report.byStatus[200]).toBe(report.sent);
      expect(balancer.targets().find((t) => t.id === victim.id)?.state).toBe("healthy");
    },
  );

  it("an instance killed while requests are running on it fails none of them (the bodies are replayed)", async () => {
    targets = await startTargets("i-", 2);
    const [victim, survivor] = targets as [TestTarget, TestTarget];
    balancer = await startLoadBalancer({ name: "crash-group" });
    balancer.register(victim.target);
    victim.hold = { path: "/slow", requests: [] };
    const pending = [1, 2, 3].map((n) =>
      send(balancer!.port, { method: "POST", path: "/slow", body: `order ${n}` }),
    );
    while ((victim.hold?.requests.length ?? 0) < 3) await sleep(20);
    balancer.register(survivor.target);
    await victim.kill();
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.headers["x-target"])).toEqual(["i-2", "i-2", "i-2"]);
    expect(survivor.seen.map((s) => s.body).sort()).toEqual(["order 1", "order 2", "order 3"]);
  });
});
