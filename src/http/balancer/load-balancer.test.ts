import http from "node:http";
import net from "node:net";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { send, startTargets, TestTarget } from "./fixtures/targets.fixture.js";
import { startLoadBalancer, type LoadBalancer, type LoadBalancerOptions } from "./index.js";

let balancer: LoadBalancer | undefined;
let targets: TestTarget[] = [];

afterEach(async () => {
  await balancer?.close();
  await Promise.all(targets.map((t) => t.kill()));
  balancer = undefined;
  targets = [];
});

async function start(options: Partial<LoadBalancerOptions> = {}): Promise<LoadBalancer> {
  balancer = await startLoadBalancer({ name: "web", ...options });
  return balancer;
}

/** Writes `text` on a raw connection to `port` and reads until the balancer closes it. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(answer));
  });
}

/** Open connections the target's server holds (the balancer's keep-alive ones). */
function connections(target: TestTarget): Promise<number> {
  return new Promise((resolve, reject) =>
    target.server!.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

describe("routing", () => {
  it("spreads requests round robin over the registered targets", async () => {
    targets = await startTargets("i-", 3);
    const lb = await start();
    for (const t of targets) lb.register(t.target);
    const agent = new http.Agent({ keepAlive: true });
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) seen.push(String((await send(lb.port, { agent })).headers["x-target"]));
    agent.destroy();
    expect(seen).toEqual(["i-1", "i-2", "i-3", "i-1", "i-2", "i-3", "i-1", "i-2", "i-3"]);
    expect(lb.targets()).toEqual(targets.map((t) => ({ ...t.target, state: "healthy" })));
  });

  it("passes method, path, headers and body through and adds X-Forwarded-*; hop-by-hop headers stay behind", async () => {
    targets = await startTargets("i-", 1);
    const lb = await start();
    lb.register(targets[0]!.target);
    const result = await send(lb.port, {
      method: "PUT",
      path: "/orders/42?x=1&y=%2F",
      headers: {
        host: "shop.example.com",
        "x-custom": "kept",
        "x-forwarded-for": "203.0.113.7",
        connection: "keep-alive, x-secret-hop, host",
        "x-secret-hop": "dropped",
        te: "trailers",
        "proxy-authorization": "Basic c2VjcmV0",
      },
      body: "hello",
    });
    expect(result.status).toBe(200);
    expect(result.headers["content-type"]).toBe("application/json");
    const got = targets[0]!.seen[0]!;
    expect(got).toMatchObject({ method: "PUT", url: "/orders/42?x=1&y=%2F", body: "hello" });
    expect(got.headers).toMatchObject({
      host: "shop.example.com",
      "x-custom": "kept",
      "x-forwarded-for": "203.0.113.7, 127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "shop.example.com",
      "x-forwarded-port": String(lb.port),
      "content-length": "5",
    });
    expect(got.headers["x-secret-hop"]).toBeUndefined();
    expect(got.headers.te).toBeUndefined();
    expect(got.headers["proxy-authorization"]).toBeUndefined();
  });

  it("relays the target's status, headers and a streamed body as they are", async () => {
    const server = http.createServer((req, res) => {
      res.writeHead(418, "Short And Stout", { "set-cookie": ["a=1", "b=2"], "x-app": "yes" });
      res.write("part one, ");
      setTimeout(() => res.end("part two"), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const lb = await start();
    lb.register({ id: "i-teapot", host: "127.0.0.1", port: (server.address() as net.AddressInfo).port });
    const result = await send(lb.port);
    server.close();
    expect(result.status).toBe(418);
    expect(result.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(result.headers["x-app"]).toBe("yes");
    expect(result.body).toBe("part one, part two");
  });

  it("streams a body larger than the replay limit to the target whole", async () => {
    targets = await startTargets("i-", 1);
    const lb = await start({ maxReplayBodyBytes: 1024 });
    lb.register(targets[0]!.target);
    const big = "x".repeat(200_000);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port: lb.port, method: "POST", path: "/upload" },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.write(big.slice(0, 100_000));
      setTimeout(() => req.end(big.slice(100_000)), 30);
    });
    expect(chunked).toBe(200);
    const declared = await send(lb.port, { method: "POST", path: "/upload", body: big });
    expect(declared.status).toBe(200);
    expect(targets[0]!.seen.map((s) => s.body.length)).toEqual([200_000, 200_000]);
  });
});

describe("registration", () => {
  it("deregister lets in-flight requests finish, then sends nothing more and closes the target's connections", async () => {
    targets = await startTargets("i-", 2);
    const [a, b] = targets as [TestTarget, TestTarget];
    const lb = await start();
    lb.register(a.target);
    const agent = new http.Agent({ keepAlive: true });
    expect((await send(lb.port, { agent })).status).toBe(200);
    a.hold = { path: "/slow", requests: [] };
    const inFlight = send(lb.port, { path: "/slow", agent });
    while (a.hold.requests.length < 1) await sleep(10);
    lb.register(b.target);
    let drained = false;
    const deregistered = lb.deregister(a.id, { drainMs: 5_000 }).then(() => (drained = true));
    expect(lb.targets()).toEqual([
      { ...b.target, state: "healthy" },
      { ...a.target, state: "draining" },
    ]);
    // New requests already go elsewhere while the old one runs.
    for (let i = 0; i < 3; i++) expect((await send(lb.port, { agent })).headers["x-target"]).toBe("i-2");
    expect(drained).toBe(false);
    a.release();
    expect((await inFlight).status).toBe(200);
    await deregistered;
    expect(lb.targets()).toEqual([{ ...b.target, state: "healthy" }]);
    await sleep(50);
    expect(await connections(a)).toBe(0);
    expect((await send(lb.port, { agent })).headers["x-target"]).toBe("i-2");
    agent.destroy();
  });

  it("deregister gives up waiting after drainMs and leaves the request to finish", async () => {
    targets = await startTargets("i-", 1);
    const [a] = targets as [TestTarget];
    const lb = await start();
    lb.register(a.target);
    a.hold = { path: "/slow", requests: [] };
    const inFlight = send(lb.port, { path: "/slow" });
    while (a.hold.requests.length < 1) await sleep(10);
    await lb.deregister(a.id, { drainMs: 200 });
    expect(lb.targets()).toEqual([]);
    a.release();
    expect((await inFlight).status).toBe(200);
  });

  it("re-registering a draining target makes it take requests again", async () => {
    targets = await startTargets("i-", 1);
    const [a] = targets as [TestTarget];
    const lb = await start();
    lb.register(a.target);
    a.hold = { path: "/slow", requests: [] };
    const inFlight = send(lb.port, { path: "/slow" });
    while (a.hold.requests.length < 1) await sleep(10);
    const deregistered = lb.deregister(a.id);
    lb.register(a.target);
    await deregistered;
    expect(lb.targets()).toEqual([{ ...a.target, state: "healthy" }]);
    a.release();
    expect((await inFlight).status).toBe(200);
    expect((await send(lb.port)).status).toBe(200);
  });

  it("replaceTargets switches at once, keeps a target in both sets, and resolves once the old ones drained", async () => {
    targets = await startTargets("i-", 3);
    const [a, b, c] = targets as [TestTarget, TestTarget, TestTarget];
    const lb = await start();
    await lb.replaceTargets([a.target, b.target]);
    a.hold = { path: "/slow", requests: [] };
    let inFlight: Promise<unknown> | undefined;
    while (a.hold.requests.length < 1) {
      inFlight = send(lb.port, { path: "/slow" });
      await sleep(50);
    }
    let switched = false;
    const replaced = lb
      .replaceTargets([b.target, c.target], { drainMs: 5_000 })
      .then(() => (switched = true));
    const served = new Set<string>();
    for (let i = 0; i < 4; i++) served.add(String((await send(lb.port)).headers["x-target"]));
    expect([...served].sort()).toEqual(["i-2", "i-3"]);
    expect(switched).toBe(false);
    expect(lb.targets().map((t) => `${t.id} ${t.state}`)).toEqual([
      "i-2 healthy",
      "i-3 healthy",
      "i-1 draining",
    ]);
    a.release();
    await inFlight;
    await replaced;
    expect(lb.targets().map((t) => `${t.id} ${t.state}`)).toEqual(["i-2 healthy", "i-3 healthy"]);
  });

  it("refuses a target with a wrong port or an empty id, naming the field", async () => {
    const lb = await start();
    expect(() => lb.register({ id: "i-1", host: "127.0.0.1", port: 0 })).toThrow(
      "target i-1: port must be an integer from 1 to 65535, got 0",
    );
    expect(() => lb.register({ id: "", host: "127.0.0.1", port: 80 })).toThrow(
      "target.id must be a non-empty string",
    );
    await expect(
      lb.replaceTargets([
        { id: "i-1", host: "127.0.0.1", port: 80 },
        { id: "i-1", host: "127.0.0.1", port: 81 },
      ]),
    ).rejects.toThrow("each target id must appear once");
  });
});

describe("answers of the balancer itself", () => {
  it("with no target waits for one (2 s by default), then answers 503 naming the balancer", async () => {
    const lb = await start();
    const result = await send(lb.port);
    expect(result.status).toBe(503);
    expect(result.body).toBe(
      'load balancer "web": no instance is registered or healthy (waited 2000 ms for one)\n',
    );
  });

  it("a request arriving while the only instance is out waits for it to be registered again", async () => {
    targets = await startTargets("i-", 1);
    const lb = await start();
    const pending = send(lb.port, { method: "POST", body: "kept" });
    await sleep(300);
    lb.register(targets[0]!.target);
    const result = await pending;
    expect(result.status).toBe(200);
    expect(targets[0]!.seen[0]!.body).toBe("kept");
  });

  it("a target that hangs gets a 504 naming it within the request timeout", async () => {
    targets = await startTargets("i-", 1);
    const [a] = targets as [TestTarget];
    a.hold = { path: "/hang", requests: [] };
    const lb = await start({ requestTimeoutMs: 300 });
    lb.register(a.target);
    const result = await send(lb.port, { path: "/hang" });
    expect(result.status).toBe(504);
    expect(result.body).toBe(
      `load balancer "web": instance i-1 (127.0.0.1:${a.port}) did not answer within 300 ms\n`,
    );
    // The hung connection to the target is closed, not left behind.
    await sleep(50);
    expect(a.hold.requests[0]!.closed).toBe(true);
  });

  it("retries a request whose kept-alive connection the target closed unanswered", async () => {
    // Each connection answers its first request and closes on its second without a byte: the race
    // in which a target closes an idle connection just as the balancer reuses it.
    let connectionsMade = 0;
    const app = net.createServer((socket) => {
      connectionsMade += 1;
      let requests = 0;
      socket.on("data", (chunk: Buffer) => {
        if (!chunk.toString().includes("\r\n\r\n")) return;
        requests += 1;
        if (requests === 1)
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok");
        else socket.destroy();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const lb = await start();
    lb.register({ id: "i-racy", host: "127.0.0.1", port: (app.address() as net.AddressInfo).port });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await send(lb.port, { method: "POST", body: `n${i}` }));
    app.close();
    expect(results.map((r) => `${r.status} ${r.body}`)).toEqual(["200 ok", "200 ok", "200 ok"]);
    expect(connectionsMade).toBe(3);
    expect(lb.targets()[0]!.state).toBe("healthy");
  });

  it("with every target refusing connections answers 502 naming them", async () => {
    const dead = await new TestTarget("i-dead").start();
    const port = dead.port;
    await dead.kill();
    const lb = await start({ noTargetWaitMs: 200 });
    lb.register({ id: "i-dead", host: "127.0.0.1", port });
    const result = await send(lb.port);
    expect(result.status).toBe(502);
    expect(result.body).toBe(
      `load balancer "web": could not connect to instance i-dead (127.0.0.1:${port}): ECONNREFUSED\n`,
    );
    expect(lb.targets()[0]!.state).toBe("unhealthy");
  });
});

describe("hostile and odd clients", () => {
  it("refuses oversized headers with 431 and keeps serving", async () => {
    targets = await startTargets("i-", 1);
    const lb = await start();
    lb.register(targets[0]!.target);
    const answer = await rawExchange(
      lb.port,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Huge: ${"a".repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(targets[0]!.seen).toEqual([]);
    expect((await send(lb.port)).status).toBe(200);
  });

  it("drops a client that sends its headers too slowly, without touching a target", async () => {
    targets = await startTargets("i-", 1);
    const lb = await start({ clientHeadersTimeoutMs: 300 });
    lb.register(targets[0]!.target);
    const socket = net.connect(lb.port, "127.0.0.1");
    socket.write("GET / HTTP/1.1\r\nHost: x\r\n");
    const trickle = setInterval(() => socket.write("X-Slow: 1\r\n"), 100);
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", () => undefined);
    });
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(targets[0]!.seen).toEqual([]);
  });

  it("a client disconnecting mid-request aborts the request to the target and frees it for a drain", async () => {
    targets = await startTargets("i-", 1);
    const [a] = targets as [TestTarget];
    a.hold = { path: "/slow", requests: [] };
    const lb = await start();
    lb.register(a.target);
    const req = http.request({ host: "127.0.0.1", port: lb.port, path: "/slow", agent: false });
    req.on("error", () => undefined);
    req.end();
    while (a.hold.requests.length < 1) await sleep(10);
    req.destroy();
    await sleep(100);
    expect(a.hold.requests[0]!.closed).toBe(true);
    // Nothing is left in flight: the drain ends at once rather than after drainMs.
    const drain = await Promise.race([
      lb.deregister(a.id, { drainMs: 5_000 }).then(() => "drained"),
      sleep(1_000),
    ]);
    expect(drain).toBe("drained");
  });

  it("a client leaving halfway through its body never reaches a target", async () => {
    targets = await startTargets("i-", 1);
    const lb = await start();
    lb.register(targets[0]!.target);
    const socket = net.connect(lb.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");
    await sleep(50);
    socket.destroy();
    await sleep(100);
    expect(targets[0]!.seen).toEqual([]);
    expect((await send(lb.port)).status).toBe(200);
  });
});

describe("health and logs", () => {
  it("health checks take a failing target out and bring it back; each change is one log line", async () => {
    const lines: Array<{ event: string; target: string; msg: string }> = [];
    const logger = pino(
      { base: undefined },
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(JSON.parse(chunk.toString()));
          callback();
        },
      }),
    );
    targets = await startTargets("i-", 2);
    const [a, b] = targets as [TestTarget, TestTarget];
    const lb = await start({
      logger,
      healthCheck: { path: "/health", intervalMs: 50, healthyThreshold: 2, unhealthyThreshold: 2 },
    });
    lb.register(a.target);
    lb.register(b.target);
    a.failHealth = true;
    while (lb.targets()[0]!.state !== "unhealthy") await sleep(20);
    for (let i = 0; i < 4; i++) expect((await send(lb.port)).headers["x-target"]).toBe("i-2");
    a.failHealth = false;
    while (lb.targets()[0]!.state !== "healthy") await sleep(20);
    await lb.deregister(a.id);
    expect(lines.map((l) => `${l.target} ${l.event}`)).toEqual([
      "i-1 registered",
      "i-2 registered",
      "i-1 unhealthy",
      "i-1 healthy",
      "i-1 deregistered",
      "i-1 drained",
    ]);
    expect(lines[2]!.msg).toBe(`load balancer web: target i-1 (127.0.0.1:${a.port}) unhealthy`);
  });
});
