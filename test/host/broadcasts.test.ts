/**
 * `instantBroadcasts` (virtual HAN): herdsman's fixed pause after a broadcast is not waited for. A fake adapter
 * holds the Green Power commissioning broadcast of a permit-join until the test lets it end, so what the host
 * waits for shows by order, not by time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ZclFrame } from "zigbee-herdsman/dist/zspec/zcl/zclFrame.js";
import { afterEach, describe, expect, it } from "vitest";
import { SteppedClock } from "../../src/hub/clock.js";
import { Host } from "../../src/host/host.js";
import { EvidenceLog } from "../../src/evidence/log.js";
import { FakeAdapter, useFakeAdapter } from "./fake-adapter.js";
import { FakeHub, TEST_CLUSTERS } from "./fake-hub.js";

/** A broadcast is sent, then held (the adapter's pause after it) until `end()` or `fail()`; after `end()` none is. */
class HeldBroadcasts extends FakeAdapter {
  readonly calls: string[] = [];
  #hold = true;
  #sent: (() => void) | undefined;
  #end: ((err?: Error) => void) | undefined;

  override async permitJoin(seconds?: number): Promise<void> {
    this.calls.push(`permitJoin ${seconds}`);
  }

  override sendZclFrameToAll(...args: unknown[]): Promise<void> {
    const [endpoint, frame] = args as [number, ZclFrame];
    this.calls.push(`broadcast ${frame.cluster.name} to endpoint ${endpoint}`);
    this.#sent?.();
    if (!this.#hold) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#end = (err) => (err ? reject(err) : resolve());
    });
  }

  /** Resolves when the next broadcast has been sent, after every microtask that follows it. */
  nextBroadcast(): Promise<void> {
    return new Promise((resolve) => {
      this.#sent = () => setImmediate(resolve);
    });
  }

  end(): void {
    this.#hold = false;
    this.#end?.();
  }

  fail(message: string): void {
    this.#end?.(new Error(message));
  }
}

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function startHost(fake: HeldBroadcasts, instantBroadcasts: boolean) {
  const stateDir = mkdtempSync(join(tmpdir(), "hanbench-broadcasts-"));
  const clock = new SteppedClock(Date.UTC(2026, 0, 15, 12));
  const evidence = new EvidenceLog({ path: join(stateDir, "evidence.jsonl"), now: () => clock.now() });
  const undo = useFakeAdapter(fake);
  const host = new Host({
    port: "tcp://127.0.0.1:1",
    adapter: "zstack",
    stateDir,
    hub: new FakeHub(),
    clusters: TEST_CLUSTERS,
    evidence,
    clock,
    channel: 15,
    instantBroadcasts,
  });
  await host.start();
  cleanup = async () => {
    fake.end();
    await host.stop();
    undo();
    evidence.close();
    rmSync(stateDir, { recursive: true, force: true });
  };
  return { host, evidence };
}

/** Whether `p` has settled (every microtask run so far). */
function settled(p: Promise<unknown>): () => boolean {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return () => done;
}

describe("broadcasts on a virtual HAN", () => {
  it("permitJoin returns once joining is open and the broadcast is sent, without herdsman's pause after it", async () => {
    const fake = new HeldBroadcasts();
    const { host } = await startHost(fake, true);
    const sent = fake.nextBroadcast();
    const opened = settled(host.permitJoin(60));
    await sent;
    expect(opened()).toBe(true);
    expect(fake.calls).toEqual(["permitJoin 60", "broadcast greenPower to endpoint 242"]);
    // closing: the broadcast goes first (herdsman's order), joining closes without waiting for its pause
    fake.calls.length = 0;
    const closing = fake.nextBroadcast();
    const closed = host.permitJoin(0);
    await closing;
    await closed;
    expect(fake.calls).toEqual(["broadcast greenPower to endpoint 242", "permitJoin 0"]);
  });

  it("records a broadcast that fails afterwards as an error of the host", async () => {
    const fake = new HeldBroadcasts();
    const { host, evidence } = await startHost(fake, true);
    const sent = fake.nextBroadcast();
    await host.permitJoin(60);
    await sent;
    const recorded = new Promise<string>((resolve) =>
      evidence.onEvent((e) => e.kind === "error" && e.source === "host.broadcast" && resolve(e.message)),
    );
    fake.fail("MAC channel access failure");
    expect(await recorded).toBe("a greenPower broadcast failed: MAC channel access failure");
  });

  it("without the option (a real radio), permitJoin waits for the broadcast's pause, as herdsman does", async () => {
    const fake = new HeldBroadcasts();
    const { host } = await startHost(fake, false);
    const sent = fake.nextBroadcast();
    const joining = host.permitJoin(60);
    const opened = settled(joining);
    await sent;
    expect(opened()).toBe(false);
    fake.end();
    await joining;
  });
});
