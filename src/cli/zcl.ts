/**
 * `hanbench zcl decode|encode`: Smart Energy ZCL frames to JSON and back. Wiring only: the codec and the
 * JSON conventions are in src/zcl. Bad input is one line naming the field (and byte offset), exit code 2.
 */
import type { ParseArgsConfig } from "node:util";
import {
  CLUSTERS,
  type ClusterDef,
  clusterById,
  clusterByName,
  type Direction,
  decodeZcl,
  encodeZcl,
  frameFromJson,
  frameToJson,
  ZclDecodeError,
  ZclEncodeError,
  type ZclFrame,
} from "../zcl/index.js";
import { parseCommandLine } from "./args.js";
import type { CliCommand } from "./command.js";
import { Exit, UsageError } from "./errors.js";
import { hex } from "../hex.js";

const CLUSTER_LIST = CLUSTERS.map((c) => `${c.name} (${hex(c.id, 4)})`).join(", ");

const HELP = `hanbench zcl — decode or encode Smart Energy ZCL frames (the ZCL frame only, no APS/GBZ wrapper)

Usage:
  hanbench zcl decode --cluster <id> <hex>
  hanbench zcl encode --cluster <id> --command <name> [--direction <dir>] [options] '<payload json>'

Clusters: ${CLUSTER_LIST}.
Run 'hanbench zcl decode --help' or 'hanbench zcl encode --help' for details and examples.`;

const DECODE_HELP = `hanbench zcl decode — print a ZCL frame as JSON

Usage: hanbench zcl decode [--strict] --cluster <id> <hex>

  --cluster <id>   cluster id (0x0708 or 1800) or name (seDeviceManagement, deviceManagement); required
  --strict         exit 2 when the frame breaks a rule of the specification (the JSON is still printed)
  <hex>            the frame: frame control, [manufacturer code], sequence number, command id, payload.
                   Spaces are allowed (quote it, or pass the bytes as several arguments).

Output: frame control fields, direction (clientToServer / serverToClient), tsn, command (camelCase) and
payload with camelCase fields. UTC times are ISO-8601 strings ending in Z; bitmaps are numbers with
<field>Bits (names of set bits) and <field>Fields (multi-bit fields) alongside; octet strings are hex.
A value with a special meaning gets <field>Meaning alongside (a StartTime of 0 "now", a CoT date 0xFFFFFFFF
"no CoT / invalid"), and such a time stays ZCL seconds. A truncated or over-long frame is an error naming
the field and its byte offset (exit code 2). What can be read but breaks a rule (a BOOLEAN other than 0, 1
or 0xFF, invalid UTF-8, a string longer than its field allows, reserved bits set) is decoded as it is and
listed in "violations" (field, byte offset, what); with --strict they also give exit code 2.

Examples (GB RTDS vectors):
  hanbench zcl decode --cluster 0x0708 "09 00 00 00 00 00 00 80 4A 37 1C 00 20 6E C6 1F 00 02 00 00"
      GCS09 PublishChangeOfTenancy: implementationDateTime 2016-11-22T02:46:56Z, PTCC clearIhdDataConsumer
  hanbench zcl decode --cluster seMessaging "09 00 00 80 4A 37 1C 00 00 00 00 00 FF FF 05 52 65 73 65 74"
      GCS07 DisplayMessage "Reset", until changed
  hanbench zcl decode --cluster 0x0708 "00 00 0B 00 00"
      the Default Response (SUCCESS) to either`;

const ENCODE_HELP = `hanbench zcl encode — build a ZCL frame from JSON and print it as hex

Usage: hanbench zcl encode --cluster <id> --command <name> [options] '<payload json>'

  --cluster <id>                cluster id (0x0708 or 1800) or name; required
  --command <name>              command name (camelCase, e.g. publishChangeOfTenancy); with --global a
                                global command: read, readRsp, write, writeRsp, writeNoRsp, report,
                                configureReporting, configureReportingRsp, defaultRsp, discoverAttributes,
                                discoverAttributesRsp; required
  --direction <dir>             clientToServer (c2s) or serverToClient (s2c); default: the direction that
                                defines the command, when only one does (required for --global)
  --tsn <n>                     transaction sequence number, 0..255 (default 0)
  --disable-default-response    set the Disable Default Response bit (default: not set)
  --manufacturer-code <n>       make the frame manufacturer-specific with this code (0x1234 or 4660)
  --global                      a global (profile-wide) command instead of a cluster-specific one
  <payload json>                the payload fields (default {}). UTC fields take an ISO-8601 string or
                                ZCL seconds; bitmaps a number or <field>Bits names; octet strings hex.

Examples:
  hanbench zcl encode --cluster 0x0708 --command publishChangeOfTenancy --direction serverToClient \\
    '{"providerId":0,"issuerEventId":473385600,"tariffType":0,
      "implementationDateTime":"2016-11-22T02:46:56Z","proposedTenancyChangeControl":512}'
      → 09000000000000804a371c00206ec61f00020000 (the GB GCS09 vector)
  hanbench zcl encode --cluster seMessaging --command displayMessage \\
    '{"messageId":473385600,"messageControl":0,"startTime":0,"durationInMinutes":65535,"message":"Reset"}'
      → 090000804a371c0000000000ffff055265736574 (the GB GCS07 vector)
  hanbench zcl encode --cluster 0x0708 --global --command defaultRsp --direction c2s '{"commandId":0,"status":0}'
      → 00000b0000
  hanbench zcl encode --cluster 0x0708 --global --command read --direction c2s --tsn 5 '{"attributes":[512,513]}'`;

function parseNumber(text: string, what: string, max: number): number {
  const n = /^0x[0-9a-f]+$/i.test(text)
    ? Number.parseInt(text.slice(2), 16)
    : /^\d+$/.test(text)
      ? Number(text)
      : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`${what}: '${text}' is not a number in 0..${max}`);
  return n;
}

function parseCluster(text: string | undefined): ClusterDef {
  if (!text) throw new UsageError("--cluster is required (e.g. --cluster 0x0708 or --cluster seDeviceManagement)");
  const byNumber = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? clusterById(parseNumber(text, "--cluster", 0xffff)) : undefined;
  const cluster = byNumber ?? clusterByName(text);
  if (!cluster) throw new UsageError(`--cluster: unknown cluster '${text}' (known: ${CLUSTER_LIST})`);
  return cluster;
}

function parseDirection(text: string): Direction {
  const t = text.toLowerCase().replace(/[-_]/g, "");
  if (t === "clienttoserver" || t === "c2s") return "clientToServer";
  if (t === "servertoclient" || t === "s2c") return "serverToClient";
  throw new UsageError(`--direction: '${text}' is not clientToServer (c2s) or serverToClient (s2c)`);
}

function parseHex(parts: string[]): Buffer {
  const text = parts.join("").replace(/\s+/g, "").replace(/^0x/i, "");
  if (text.length === 0) throw new UsageError('decode: no frame given (hex bytes, e.g. "00 00 0B 00 00")');
  const bad = text.search(/[^0-9a-f]/i);
  if (bad >= 0) throw new UsageError(`hex: '${text[bad]}' at digit ${bad} is not a hex digit`);
  if (text.length % 2) throw new UsageError(`hex: odd number of hex digits (${text.length})`);
  return Buffer.from(text, "hex");
}

function codecError(cluster: ClusterDef, err: unknown): never {
  if (err instanceof ZclDecodeError || err instanceof ZclEncodeError)
    throw new UsageError(`${cluster.name} ${err.message}`);
  throw err;
}

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;

function parse(argv: string[], options: Options): { values: Values; positionals: string[] } {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: { ...options, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  return { values: values as Values, positionals };
}

function decode(argv: string[]): number {
  const { values, positionals } = parse(argv, { cluster: { type: "string" }, strict: { type: "boolean" } });
  if (values.help) {
    process.stdout.write(`${DECODE_HELP}\n`);
    return Exit.ok;
  }
  const cluster = parseCluster(values.cluster as string | undefined);
  const bytes = parseHex(positionals);
  let frame: ZclFrame;
  try {
    frame = decodeZcl(cluster.id, bytes);
  } catch (err) {
    codecError(cluster, err);
  }
  process.stdout.write(`${JSON.stringify(frameToJson(cluster.id, frame), null, 2)}\n`);
  const violations = frame.violations ?? [];
  if (values.strict && violations.length > 0) {
    const first = violations[0]!;
    process.stderr.write(
      `hanbench zcl decode: --strict: ${violations.length} violation(s); the first: ${first.field} at byte ${first.offset}: ${first.what}\n`,
    );
    return Exit.usage;
  }
  return Exit.ok;
}

function encode(argv: string[]): number {
  const { values, positionals } = parse(argv, {
    cluster: { type: "string" },
    command: { type: "string" },
    direction: { type: "string" },
    tsn: { type: "string" },
    "disable-default-response": { type: "boolean" },
    "manufacturer-code": { type: "string" },
    global: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(`${ENCODE_HELP}\n`);
    return Exit.ok;
  }
  const cluster = parseCluster(values.cluster as string | undefined);
  const command = values.command as string | undefined;
  if (!command) throw new UsageError("--command is required (e.g. --command publishChangeOfTenancy)");
  const global = !!values.global;
  const direction = values.direction
    ? parseDirection(values.direction as string)
    : inferDirection(cluster, command, global);
  if (positionals.length > 1) throw new UsageError("encode: give the payload as one JSON argument (quote it)");
  let payload: unknown;
  try {
    payload = JSON.parse(positionals[0] ?? "{}");
  } catch (err) {
    throw new UsageError(`payload: not valid JSON (${(err as Error).message})`);
  }
  if (!payload || typeof payload !== "object" || Array.isArray(payload))
    throw new UsageError("payload: must be a JSON object");
  const manufacturerCode =
    values["manufacturer-code"] === undefined
      ? undefined
      : parseNumber(values["manufacturer-code"] as string, "--manufacturer-code", 0xffff);
  const tsn = values.tsn === undefined ? 0 : parseNumber(values.tsn as string, "--tsn", 0xff);
  let hex: string;
  try {
    const frame = frameFromJson(cluster.id, {
      frameType: global ? "global" : "specific",
      direction,
      disableDefaultResponse: !!values["disable-default-response"],
      ...(manufacturerCode === undefined ? {} : { manufacturerCode }),
      tsn,
      command,
      payload: payload as Record<string, unknown>,
    });
    hex = encodeZcl(cluster.id, frame).toString("hex");
  } catch (err) {
    codecError(cluster, err);
  }
  process.stdout.write(`${hex}\n`);
  return Exit.ok;
}

function inferDirection(cluster: ClusterDef, command: string, global: boolean): Direction {
  const c2s = cluster.commands.some((c) => c.name === command);
  const s2c = cluster.commandsResponse.some((c) => c.name === command);
  if (!global && c2s !== s2c) return c2s ? "clientToServer" : "serverToClient";
  if (!global && !c2s) {
    const known = [...cluster.commands, ...cluster.commandsResponse].map((c) => c.name);
    throw new UsageError(
      `--command: ${cluster.name} has no command '${command}' (known: ${[...new Set(known)].join(", ")})`,
    );
  }
  throw new UsageError(`--direction is required for '${command}' (clientToServer or serverToClient)`);
}

export const command: CliCommand = {
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "decode") return decode(rest);
    if (sub === "encode") return encode(rest);
    if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
      process.stdout.write(`${HELP}\n`);
      return sub === undefined ? Exit.usage : Exit.ok;
    }
    throw new UsageError(`unknown subcommand '${sub}' (decode or encode; see 'hanbench zcl --help')`);
  },
};
