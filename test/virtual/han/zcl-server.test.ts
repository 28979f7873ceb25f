/** The generic ZCL server of an emulated node, with written-out frames. */
import { describe, expect, it } from "vitest";
import { AttributeStore } from "../../../src/virtual/han/attribute-store.js";
import type { ApsFrame } from "../../../src/virtual/han/types.js";
import { serveZcl } from "../../../src/virtual/han/zcl-server.js";
import { decodeZclHeader } from "../../../src/zcl/index.js";

function serve(store: AttributeStore, clusterId: number, hex: string): string | undefined {
  const payload = Buffer.from(hex, "hex");
  const frame: ApsFrame = { srcNwk: 0, srcEp: 1, dstNwk: 0x1234, dstEp: 1, profileId: 0x0104, clusterId, payload };
  return serveZcl(store, frame, decodeZclHeader(payload)!)?.toString("hex");
}

describe("serveZcl", () => {
  it("Read Attributes from the store: values with their types, UNSUPPORTED_ATTRIBUTE for the rest", () => {
    const store = new AttributeStore();
    store.set(1, 0x0000, 0x0000, 0x20, 8);
    expect(serve(store, 0x0000, "00070000000100")).toBe("18070100000020080100" + "86");
    // a read cut short is a malformed command
    expect(serve(store, 0x0000, "0007000000ff")).toBe("18070b0080");
    // another endpoint's store is not this one's
    store.set(2, 0x0000, 0x0001, 0x20, 1);
    expect(serve(store, 0x0000, "0008000100")).toBe("1808010100" + "86");
  });

  it("On/Off: on, off and toggle change the OnOff attribute; Identify sets IdentifyTime", () => {
    const store = new AttributeStore();
    expect(serve(store, 0x0006, "011001")).toBe("18100b0100"); // on, Default Response SUCCESS
    expect(store.get(1, 0x0006, 0x0000)?.value).toBe(true);
    expect(serve(store, 0x0006, "111102")).toBeUndefined(); // toggle, default response disabled
    expect(store.get(1, 0x0006, 0x0000)?.value).toBe(false);
    expect(serve(store, 0x0006, "111302")).toBeUndefined();
    expect(store.get(1, 0x0006, 0x0000)?.value).toBe(true);
    expect(serve(store, 0x0003, "0112000a00")).toBe("18120b0000");
    expect(store.get(1, 0x0003, 0x0000)).toEqual({ type: 0x21, value: 10 });
  });

  it("Configure Reporting is accepted; responses need no answer; the rest is unsupported", () => {
    const store = new AttributeStore();
    expect(serve(store, 0x0702, "00130600")).toBe("18130700");
    expect(serve(store, 0x0702, "18140b0000")).toBeUndefined();
    expect(serve(store, 0x0702, "001502")).toBe("18150b0282"); // Write Attributes: UNSUP_GENERAL_COMMAND
    expect(serve(store, 0x0702, "011600")).toBe("18160b0081"); // a cluster command: UNSUP_COMMAND
    expect(serve(store, 0x0702, "091700")).toBe("10170b0000"); // server to client: SUCCESS, back client to server
  });
});
