/** The dongle's TCP listener: what one turn of the event loop sends leaves in one write. */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TcpHostServer } from "../../src/virtual/transport/tcp.js";

let server: TcpHostServer | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  await server?.close();
  server = client = undefined;
});

/** A server whose host link answers each chunk with `answer(chunk, send)`, and a client connected to it. */
async function connectedTo(
  answer: (chunk: Buffer, send: (b: Buffer) => void) => void,
): Promise<{ c: Socket; s: TcpHostServer }> {
  let send: ((b: Buffer) => void) | undefined;
  const s = new TcpHostServer({
    onData: (chunk) => answer(chunk, send!),
    onConnect: (write) => {
      send = write;
    },
    onDisconnect: () => {},
  });
  server = s;
  const { port } = await s.listen("127.0.0.1", 0);
  const c = connect(port, "127.0.0.1");
  client = c;
  await new Promise<void>((r) => c.once("connect", () => r()));
  return { c, s };
}

describe("TcpHostServer", () => {
  it("bytes sent in one turn, synchronously and from chained microtasks, leave in one socket write", async () => {
    const { c, s } = await connectedTo((chunk, send) => {
      // as the emulator answers: the SRSP at once, callbacks from the medium's microtasks after it
      send(Buffer.from([chunk[0]!, 1]));
      queueMicrotask(() => {
        send(Buffer.from([2]));
        void Promise.resolve()
          .then(() => undefined)
          .then(() => send(Buffer.from([3])));
      });
      // a later turn: its own write
      if (chunk[0] === 0xbb) setImmediate(() => send(Buffer.from([4])));
    });
    const received: number[] = [];
    const until = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (received.length < n) return;
          c.off("data", onChunk);
          resolve();
        };
        const onChunk = (b: Buffer) => {
          received.push(...b);
          check();
        };
        c.on("data", onChunk);
        check();
      });
    c.write(Buffer.from([0xaa]));
    await until(4);
    expect(s.writes).toBe(1);
    c.write(Buffer.from([0xbb]));
    await until(9);
    expect(s.writes).toBe(3);
    expect(Buffer.from(received).toString("hex")).toBe("aa010203bb01020304");
  });
  it("a frame after a longer silence of the microtasks goes in a write of its own, the bytes in order", async () => {
    const { c, s } = await connectedTo((_chunk, send) => {
      send(Buffer.from([1]));
      // five microtasks that send nothing, then one that does: past the quiet passes the write waits for
      let p = Promise.resolve();
      for (let i = 0; i < 5; i++) p = p.then(() => undefined);
      void p.then(() => send(Buffer.from([2])));
    });
    const received: number[] = [];
    const done = new Promise<void>((resolve) =>
      c.on("data", (b: Buffer) => {
        received.push(...b);
        if (received.length >= 2) resolve();
      }),
    );
    c.write(Buffer.from([0xaa]));
    await done;
    expect(received).toEqual([1, 2]);
    expect(s.writes).toBe(2);
  });
});

describe("TcpHostServer: the host's connection", () => {
  it("a host that stops reading gets every byte, in order, once it reads again", async () => {
    let send: ((b: Buffer) => void) | undefined;
    server = new TcpHostServer({ onData: () => {}, onConnect: (write) => (send = write), onDisconnect: () => {} });
    const { port } = await server.listen("127.0.0.1", 0);
    const c = connect(port, "127.0.0.1");
    client = c;
    await new Promise<void>((r) => c.once("connect", () => r()));
    await new Promise<void>((r) => {
      const wait = () => (send ? r() : setImmediate(wait));
      wait();
    });
    // 16 MB in turns of its own, each chunk filled with its number: the first half while the host does not
    // read, far more than the kernel's buffers take, so writes are refused or taken in part and what is left
    // must wait its turn; the second half while the host reads again and that backlog drains
    const chunks = 256;
    const size = 64 * 1024;
    const received: Buffer[] = [];
    let total = 0;
    const all = new Promise<void>((resolve) => {
      c.on("data", (b: Buffer) => {
        received.push(b);
        total += b.length;
        if (total >= chunks * size) resolve();
      });
    });
    c.pause();
    for (let i = 0; i < chunks; i++) {
      if (i === chunks / 2) c.resume();
      send!(Buffer.alloc(size, i & 0xff));
      await new Promise((r) => setImmediate(r));
    }
    await all;
    const bytes = Buffer.concat(received);
    expect(bytes.length).toBe(chunks * size);
    for (let i = 0; i < chunks; i++) {
      const part = bytes.subarray(i * size, (i + 1) * size);
      expect(part.every((b) => b === (i & 0xff))).toBe(true);
    }
  });

  it("a host that connects while another is connected is served once that one closes, with what it sent meanwhile", async () => {
    const got: string[] = [];
    let send: ((b: Buffer) => void) | undefined;
    server = new TcpHostServer({
      onData: (chunk) => {
        got.push(chunk.toString());
        send!(Buffer.from(`re:${chunk.toString()}`));
      },
      onConnect: (write) => (send = write),
      onDisconnect: () => {},
    });
    const { port } = await server.listen("127.0.0.1", 0);
    const first = connect(port, "127.0.0.1");
    await new Promise<void>((r) => first.once("connect", () => r()));
    first.write("one");
    expect(String(await new Promise<Buffer>((r) => first.once("data", r)))).toBe("re:one");
    const second = connect(port, "127.0.0.1");
    client = second;
    await new Promise<void>((r) => second.once("connect", () => r()));
    const reply = new Promise<Buffer>((r) => second.once("data", r));
    second.write("two");
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual(["one"]); // the second host waits
    first.destroy();
    expect(String(await reply)).toBe("re:two");
    expect(got).toEqual(["one", "two"]);
    expect(server.refused).toBe(0);
  });
});
