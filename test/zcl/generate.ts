/**
 * Seeded payload generator driven by the cluster definitions: every parameter gets a value of its type,
 * lists and records get 0..3 items with their count fields set to match, `when` fields pick one of the
 * values that switch on conditional fields, and optional trailing fields are present as a prefix.
 * Mode `min` / `max` forces every integer to its type's bound (the max of an unsigned type is its sentinel).
 */
import type { CommandDef, ParamDef, ZclFrame } from "../../src/zcl/index.js";
import { DataType, integerRange, isBigIntType, isIntegerType } from "../../src/zcl/index.js";

export type Mode = "min" | "max" | "random";

/** mulberry32: small, seeded, good enough to vary test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  readonly next: () => number;
  constructor(
    seed: number,
    readonly mode: Mode,
  ) {
    this.next = rng(seed);
  }
  int(max: number): number {
    return Math.floor(this.next() * (max + 1));
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(255)));
  }
  /** A value of a ZCL data type, honouring maxLen for strings. */
  value(type: number, maxLen?: number): unknown {
    if (isIntegerType(type)) {
      const [lo, hi] = integerRange(type)!;
      let v: bigint;
      if (this.mode === "min") v = lo;
      else if (this.mode === "max") v = hi;
      else {
        const pick = this.int(3);
        v = pick === 0 ? lo : pick === 1 ? hi : lo + (BigInt(Math.floor(this.next() * 2 ** 52)) % (hi - lo + 1n));
      }
      return isBigIntType(type) ? v : Number(v);
    }
    const len = this.mode === "max" ? (maxLen ?? 20) : this.mode === "min" ? 0 : this.int(maxLen ?? 20);
    switch (type) {
      case DataType.BOOLEAN:
        return this.mode === "min" ? false : this.mode === "max" ? true : this.next() < 0.5;
      case DataType.CHAR_STR:
      case DataType.LONG_CHAR_STR:
        return Array.from({ length: len }, () => String.fromCharCode(0x20 + this.int(0x5e))).join("");
      case DataType.OCTET_STR:
      case DataType.LONG_OCTET_STR:
        return this.bytes(len);
      case DataType.SEC_KEY:
        return this.bytes(16);
      case DataType.IEEE_ADDR:
        return `0x${this.bytes(8).toString("hex")}`;
      case DataType.SINGLE_PREC:
        return Math.fround(this.next() * 1000);
      case DataType.DOUBLE_PREC:
        return this.next() * 1e6;
      case DataType.SEMI_PREC:
        return 1.5;
      case DataType.NO_DATA:
        return null;
      default:
        throw new Error(`generator: no values for type ${type}`);
    }
  }
}

function whenValues(params: readonly ParamDef[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of params) if (p.when) out.set(p.when.field, [...(out.get(p.when.field) ?? []), p.when.equals]);
  return out;
}

/** A payload for `params` (see the module comment). */
export function generatePayload(params: readonly ParamDef[], g: Gen): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const switches = whenValues(params);
  const optionalCount = params.filter((p) => p.optional).length;
  const keepOptional = g.mode === "min" ? 0 : g.mode === "max" ? optionalCount : g.int(optionalCount);
  let optionalSeen = 0;
  for (const p of params) {
    if (p.when && out[p.when.field] !== p.when.equals) continue;
    if (p.optional && optionalSeen++ >= keepOptional) continue;
    const choices = switches.get(p.name);
    if (choices) {
      out[p.name] = choices[g.int(choices.length - 1)];
      continue;
    }
    if (typeof p.type === "number") out[p.name] = g.value(p.type, p.maxLen);
    else if (p.type === "rest") out[p.name] = g.bytes(g.mode === "min" ? 0 : g.int(12));
    else {
      const n = g.mode === "min" ? 0 : g.mode === "max" ? 3 : g.int(3);
      out[p.name] = Array.from({ length: n }, () =>
        p.type === "list" ? g.value(p.of!) : generatePayload(p.record!, g),
      );
      if (p.countField) out[p.countField] = n;
    }
  }
  return out;
}

/**
 * A cluster-specific frame of `cmd` in `direction` with a generated payload, a random TSN and
 * disable-default-response bit; a manufacturer code with probability `manufacturerCodeChance`.
 */
export function generateFrame(
  cmd: CommandDef,
  direction: "clientToServer" | "serverToClient",
  g: Gen,
  manufacturerCodeChance = 0,
): ZclFrame {
  const frame: ZclFrame = {
    frameType: "specific",
    direction,
    disableDefaultResponse: g.next() < 0.5,
    tsn: g.int(255),
    commandId: cmd.id,
    command: cmd.name,
    payload: generatePayload(cmd.params, g),
  };
  if (manufacturerCodeChance > 0 && g.next() < manufacturerCodeChance) frame.manufacturerCode = g.int(0xffff);
  return frame;
}

/** Every (direction, command) of a cluster. */
export function allCommands(cluster: {
  commands: readonly CommandDef[];
  commandsResponse: readonly CommandDef[];
}): { direction: "clientToServer" | "serverToClient"; cmd: CommandDef }[] {
  return [
    ...cluster.commands.map((cmd) => ({ direction: "clientToServer" as const, cmd })),
    ...cluster.commandsResponse.map((cmd) => ({ direction: "serverToClient" as const, cmd })),
  ];
}
