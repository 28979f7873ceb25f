/**
 * Network parameters of the emulated hub (channel, PAN id, network key, extended PAN id), generated once
 * with node:crypto and kept in the state directory as `network.json` with file mode 0600.
 *
 * The extended PAN id is the hub's IEEE address (GBCS: EPID = CH HAN IEEE address, domain.md §14). It is
 * not known before the coordinator has been asked for its IEEE address, so the first start passes no EPID:
 * on zstack herdsman then replaces its default EPID by the coordinator IEEE (herdsman.md §3). After start
 * the host records what the coordinator reports, and every later start passes it explicitly.
 *
 * The network key is key material: it never goes into a log line or the evidence (`describeNetwork`
 * leaves it out), and it is registered with src/redact.ts as soon as it is made or read, so that nothing
 * the tool prints can show it.
 */
import { randomBytes, randomInt } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { makeDirs } from "../files.js";
import { join } from "node:path";
import { addSecret } from "../redact.js";
import { eui64ToBytes, hex } from "../hex.js";

export interface NetworkParameters {
  /** 11..26. */
  channel: number;
  /** 0x0001..0xFFFE. */
  panId: number;
  /** 16 bytes. */
  networkKey: Buffer;
  /** `0x` + 16 hex digits: the hub IEEE once known. */
  extendedPanId?: string;
}

export const NETWORK_FILE = "network.json";

/** Channels a new network is formed on (the Zigbee channels clear of the common Wi-Fi channels 1, 6, 11). */
const PREFERRED_CHANNELS = [15, 20, 25];

function generateNetwork(opts: { channel?: number } = {}): NetworkParameters {
  const channel = opts.channel ?? PREFERRED_CHANNELS[randomInt(PREFERRED_CHANNELS.length)]!;
  checkChannel(channel);
  const networkKey = randomBytes(16);
  addSecret(networkKey);
  return { channel, panId: randomInt(1, 0xfffe + 1), networkKey };
}

function checkChannel(channel: number): void {
  if (!Number.isInteger(channel) || channel < 11 || channel > 26) {
    throw new RangeError(`channel ${channel} is not a 2.4 GHz Zigbee channel (11..26)`);
  }
}

interface NetworkFile {
  channel: number;
  panId: number;
  networkKey: string;
  extendedPanId?: string;
}

function parseFile(text: string, path: string): NetworkParameters {
  let raw: Partial<NetworkFile>;
  try {
    raw = (JSON.parse(text) ?? {}) as Partial<NetworkFile>;
  } catch {
    throw new Error(`${path} is not a hanbench network file (not JSON: corrupt or cut short)`);
  }
  const key =
    typeof raw.networkKey === "string" && /^[0-9a-fA-F]{32}$/.test(raw.networkKey)
      ? Buffer.from(raw.networkKey, "hex")
      : Buffer.alloc(0);
  if (typeof raw.channel !== "number" || typeof raw.panId !== "number" || key.length !== 16) {
    throw new Error(`${path} is not a hanbench network file (channel, panId and a 16-byte networkKey are needed)`);
  }
  addSecret(key);
  try {
    checkChannel(raw.channel);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  if (raw.panId < 1 || raw.panId > 0xfffe) throw new Error(`${path}: panId ${raw.panId} is outside 0x0001..0xFFFE`);
  const out: NetworkParameters = { channel: raw.channel, panId: raw.panId, networkKey: key };
  if (typeof raw.extendedPanId === "string" && /^0x[0-9a-f]{16}$/.test(raw.extendedPanId)) {
    out.extendedPanId = raw.extendedPanId;
  }
  return out;
}

/** Writes the parameters with mode 0600 (also when the file already existed with a wider mode). */
export function saveNetwork(stateDir: string, params: NetworkParameters): void {
  makeDirs(stateDir, 0o700);
  const path = join(stateDir, NETWORK_FILE);
  const body: NetworkFile = {
    channel: params.channel,
    panId: params.panId,
    networkKey: params.networkKey.toString("hex"),
    ...(params.extendedPanId ? { extendedPanId: params.extendedPanId } : {}),
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Reads a network file; throws an Error naming the file when it is not one. */
export function readNetworkFile(path: string): NetworkParameters {
  return parseFile(readFileSync(path, "utf8"), path);
}

/** The parameters kept in `stateDir`, generated and saved on first use. */
export function loadOrCreateNetwork(stateDir: string, opts: { channel?: number } = {}): NetworkParameters {
  const path = join(stateDir, NETWORK_FILE);
  if (existsSync(path)) return readNetworkFile(path);
  const params = generateNetwork(opts);
  saveNetwork(stateDir, params);
  return params;
}

/** herdsman's `network` option. */
export function herdsmanNetworkOptions(params: NetworkParameters): {
  panID: number;
  extendedPanID?: number[];
  channelList: number[];
  networkKey: number[];
  networkKeyDistribute: boolean;
} {
  return {
    panID: params.panId,
    // herdsman's zstack adapter writes these byte-reversed to NV, as it does the coordinator IEEE it substitutes
    // for the default EPID, so the big-endian reading order is the one to pass
    ...(params.extendedPanId ? { extendedPanID: eui64ToBytes(params.extendedPanId) } : {}),
    channelList: [params.channel],
    networkKey: [...params.networkKey],
    networkKeyDistribute: false,
  };
}

/** The parameters without the key: safe for logs and the run event. */
export function describeNetwork(params: NetworkParameters): Record<string, unknown> {
  return {
    channel: params.channel,
    panId: hex(params.panId, 4),
    ...(params.extendedPanId ? { extendedPanId: params.extendedPanId } : {}),
  };
}
