// The service's tests, run by the Build stage with `node --test`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createApp } from "../app/server.mjs";

let server;
let base;
before(async () => {
  server = createApp();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test("/ says hello", async () => {
  const response = await fetch(`${base}/`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /Hello from /);
});

test("/health is ok", async () => {
  const response = await fetch(`${base}/health`);
  assert.deepEqual(await response.json(), { status: "ok" });
});

test("other paths are 404", async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});
