/**
 * EZSP value types (EZSP reference guide, "Type definitions" and "Structure definitions"; UG100 for
 * EmberZNet 7.x, the Simplicity SDK EZSP reference (UG600) for 8.x, whose layouts this NCP speaks):
 * little-endian integers, EUI-64s sent least significant byte first, 16-byte keys, length-prefixed byte
 * strings, and the structures the coordinator commands carry. Each type is a codec (read from a cursor,
 * write to a buffer); a command's parameters are an ordered record of codecs (ezsp-commands.ts), so the
 * decoded value's type follows from the table.
 */

/** Thrown when a frame ends before the value being read (the command is then answered as invalid). */
export class EzspTruncatedError extends RangeError {
  override name = "EzspTruncatedError";
}

/** A read cursor over a frame's parameters. */
export class EzspReader {
  #o: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.#o = offset;
  }

  get remaining(): number {
    return this.buf.length - this.#o;
  }

  #need(n: number): number {
    const o = this.#o;
    if (o + n > this.buf.length) throw new EzspTruncatedError(`frame ends ${o + n - this.buf.length} byte(s) early`);
    this.#o = o + n;
    return o;
  }

  u8(): number {
    return this.buf[this.#need(1)]!;
  }
  i8(): number {
    return this.buf.readInt8(this.#need(1));
  }
  u16(): number {
    return this.buf.readUInt16LE(this.#need(2));
  }
  u32(): number {
    return this.buf.readUInt32LE(this.#need(4));
  }
  bytes(n: number): Buffer {
    const o = this.#need(n);
    return Buffer.from(this.buf.subarray(o, o + n));
  }
}

/** An appending writer. */
export class EzspWriter {
  #buf = Buffer.allocUnsafe(128);
  #o = 0;

  #room(n: number): number {
    if (this.#o + n > this.#buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#o + n));
      this.#buf.copy(next, 0, 0, this.#o);
      this.#buf = next;
    }
    const o = this.#o;
    this.#o += n;
    return o;
  }

  // (#room may replace #buf: take the offset before touching the buffer)
  u8(v: number): void {
    const o = this.#room(1);
    this.#buf[o] = v & 0xff;
  }
  i8(v: number): void {
    const o = this.#room(1);
    this.#buf.writeInt8(v, o);
  }
  u16(v: number): void {
    const o = this.#room(2);
    this.#buf.writeUInt16LE(v & 0xffff, o);
  }
  u32(v: number): void {
    const o = this.#room(4);
    this.#buf.writeUInt32LE(v >>> 0, o);
  }
  bytes(b: Uint8Array): void {
    const o = this.#room(b.length);
    this.#buf.set(b, o);
  }

  /** The bytes written (a view of the writer's buffer: the writer is not used after this). */
  toBuffer(): Buffer {
    return this.#buf.subarray(0, this.#o);
  }
}

export interface Codec<T> {
  read(r: EzspReader): T;
  write(w: EzspWriter, v: T): void;
}

/** An ordered record of named fields (object key order is the wire order). */
export type Layout = Record<string, Codec<unknown>>;
export type ValueOf<L extends Layout> = { [K in keyof L]: L[K] extends Codec<infer V> ? V : never };

/** Each layout's fields as a list, made once (layouts are static tables). */
const fieldLists = new WeakMap<Layout, [string, Codec<unknown>][]>();
function fieldsOf(layout: Layout): [string, Codec<unknown>][] {
  let f = fieldLists.get(layout);
  if (!f) {
    f = Object.entries(layout);
    fieldLists.set(layout, f);
  }
  return f;
}

export function readLayout<L extends Layout>(layout: L, r: EzspReader): ValueOf<L> {
  const out: Record<string, unknown> = {};
  for (const [name, codec] of fieldsOf(layout)) out[name] = codec.read(r);
  return out as ValueOf<L>;
}

export function writeLayout<L extends Layout>(layout: L, w: EzspWriter, v: ValueOf<L>): void {
  for (const [name, codec] of fieldsOf(layout)) codec.write(w, (v as Record<string, unknown>)[name]);
}

const struct = <L extends Layout>(layout: L): Codec<ValueOf<L>> => ({
  read: (r) => readLayout(layout, r),
  write: (w, v) => writeLayout(layout, w, v),
});

export const u8: Codec<number> = { read: (r) => r.u8(), write: (w, v) => w.u8(v) };
export const i8: Codec<number> = { read: (r) => r.i8(), write: (w, v) => w.i8(v) };
export const u16: Codec<number> = { read: (r) => r.u16(), write: (w, v) => w.u16(v) };
export const u32: Codec<number> = { read: (r) => r.u32(), write: (w, v) => w.u32(v) };
export const bool: Codec<boolean> = { read: (r) => r.u8() !== 0, write: (w, v) => w.u8(v ? 1 : 0) };

/** sl_status_t (EZSP 14 and later): 32 bits. */
export const status = u32;

/** An EUI-64, "0x" + 16 lower-case hex digits, sent least significant byte first. */
export const eui64: Codec<string> = {
  read: (r) => `0x${r.bytes(8).reverse().toString("hex")}`,
  write: (w, v) => w.bytes(eui64Bytes(v)),
};

/** "0x0011…" → the 8 bytes as sent (least significant first). */
export function eui64Bytes(v: string): Buffer {
  const hex = v.replace(/^0x/i, "");
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new RangeError(`EUI-64 must be 16 hex digits, got '${v}'`);
  return Buffer.from(hex, "hex").reverse();
}

/** A 16-byte key (sl_zb_sec_man_key_t / EmberKeyData). */
export const key: Codec<Buffer> = { read: (r) => r.bytes(16), write: (w, v) => w.bytes(v) };

/** Eight bytes kept in wire order (an extended PAN ID as the host sends it). */
export const bytes8: Codec<Buffer> = { read: (r) => r.bytes(8), write: (w, v) => w.bytes(v) };

/** A byte string with a one-byte length before it (message contents, values). */
export const payload: Codec<Buffer> = {
  read: (r) => r.bytes(r.u8()),
  write: (w, v) => {
    w.u8(v.length);
    w.bytes(v);
  },
};

/** addEndpoint's cluster lists: input count, output count, then the input and output cluster ids. */
export const clusterLists: Codec<{ input: number[]; output: number[] }> = {
  read: (r) => {
    const nIn = r.u8();
    const nOut = r.u8();
    const input = Array.from({ length: nIn }, () => r.u16());
    const output = Array.from({ length: nOut }, () => r.u16());
    return { input, output };
  },
  write: (w, v) => {
    w.u8(v.input.length);
    w.u8(v.output.length);
    for (const c of v.input) w.u16(c);
    for (const c of v.output) w.u16(c);
  },
};

/** readAndClearCounters: EMBER_COUNTER_TYPE_COUNT (42) 16-bit counters. */
export const COUNTER_COUNT = 42;
export const counters: Codec<number[]> = {
  read: (r) => Array.from({ length: COUNTER_COUNT }, () => r.u16()),
  write: (w, v) => {
    for (let i = 0; i < COUNTER_COUNT; i++) w.u16(v[i] ?? 0);
  },
};

/** EmberApsFrame. */
export const apsFrame = struct({
  profileId: u16,
  clusterId: u16,
  sourceEndpoint: u8,
  destinationEndpoint: u8,
  options: u16,
  groupId: u16,
  sequence: u8,
});
export type EzspApsFrame = ValueOf<{ v: typeof apsFrame }>["v"];

/** EmberNetworkParameters. */
export const networkParameters = struct({
  extendedPanId: bytes8,
  panId: u16,
  radioTxPower: i8,
  radioChannel: u8,
  joinMethod: u8,
  nwkManagerId: u16,
  nwkUpdateId: u8,
  channels: u32,
});
export type EzspNetworkParameters = ValueOf<{ v: typeof networkParameters }>["v"];

/** EmberInitialSecurityState. */
export const initialSecurityState = struct({
  bitmask: u16,
  preconfiguredKey: key,
  networkKey: key,
  networkKeySequenceNumber: u8,
  preconfiguredTrustCenterEui64: eui64,
});
export type EzspInitialSecurityState = ValueOf<{ v: typeof initialSecurityState }>["v"];

/** sl_zb_sec_man_context_t. */
export const secManContext = struct({
  coreKeyType: u8,
  keyIndex: u8,
  derivedType: u16,
  eui64,
  multiNetworkIndex: u8,
  flags: u8,
  psaKeyAlgPermission: u32,
});
export type EzspSecManContext = ValueOf<{ v: typeof secManContext }>["v"];

/** sl_zb_sec_man_network_key_info_t. */
export const networkKeyInfo = struct({
  networkKeySet: bool,
  alternateNetworkKeySet: bool,
  networkKeySequenceNumber: u8,
  altNetworkKeySequenceNumber: u8,
  networkKeyFrameCounter: u32,
});

/** sl_zb_sec_man_aps_key_metadata_t. */
export const apsKeyMetadata = struct({
  bitmask: u16,
  outgoingFrameCounter: u32,
  incomingFrameCounter: u32,
  ttlInSeconds: u16,
});
export type EzspApsKeyMetadata = ValueOf<{ v: typeof apsKeyMetadata }>["v"];

/** EmberMulticastTableEntry. */
export const multicastTableEntry = struct({ multicastId: u16, endpoint: u8, networkIndex: u8 });
export type EzspMulticastTableEntry = ValueOf<{ v: typeof multicastTableEntry }>["v"];

/** sl_zigbee_rx_packet_info_t (EZSP 14 and later). */
export const rxPacketInfo = struct({
  senderShortId: u16,
  senderLongId: eui64,
  bindingIndex: u8,
  addressIndex: u8,
  lastHopLqi: u8,
  lastHopRssi: i8,
  lastHopTimestamp: u32,
});

/** getCurrentSecurityState's EmberCurrentSecurityState. */
export const currentSecurityState = struct({ bitmask: u16, trustCenterLongAddress: eui64 });
