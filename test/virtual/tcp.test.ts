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

describe("TcpHostServer", () => {
  it("bytes sent in one turn, synchronously and from chained microtasks, leave in one socket write", async () => {
    const writes: Buffer[] = [];
    let send: ((b: Buffer) => void) | undefined;
    const onData = (chunk: Buffer) => {
      // as the emulator answers: the SRSP at once, callbacks from the medium's microtasks after it
      send!(Buffer.from([chunk[0]!, 1]));
      queueMicrotask(() => {
        send!(Buffer.from([2]));
        void Promise.resolve()
          .then(() => undefined)
          .then(() => send!(Buffer.from([3])));
      });
      // a later turn: its own write
      if (chunk[0] === 0xbb) setImmediate(() => send!(Buffer.from([4])));
    };
    server = new TcpHostServer({
      onData,
      onConnect: (write, socket) => {
        send = write;
        const original = socket.write.bind(socket) as (b: Buffer) => boolean;
        socket.write = ((b: Buffer) => {
          writes.push(Buffer.from(b));
          return original(b);
        }) as typeof socket.write;
      },
      onDisconnect: () => {},
    });
    const { port } = await server.listen("127.0.0.1", 0);
    const c = connect(port, "127.0.0.1");
    client = c;
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
    await new Promise<void>((r) => c.once("connect", () => r()));
    c.write(Buffer.from([0xaa]));
    await until(4);
    expect(writes.map((b) => b.toString("hex"))).toEqual(["aa010203"]);
    c.write(Buffer.from([0xbb]));
    await until(9);
    expect(writes.map((b) => b.toString("hex"))).toEqual(["aa010203", "bb010203", "04"]);
  });
});
