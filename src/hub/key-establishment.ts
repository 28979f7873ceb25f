/**
 * The CHF's Key Establishment server (cluster 0x0800 on the ESI endpoint; cbke.md §1): one responder state
 * machine (src/crypto KeResponder) per device that starts an exchange, on the hub clock.
 *
 * - Suites: in GB mode only suite 2 (sect283k1) is offered and accepted; a request naming suite 1 gets
 *   Terminate UNSUPPORTED_SUITE, one naming two suites BAD_MESSAGE (the machine decides).
 * - Before answering, the device's certificate is checked (subject = the device's EUI-64, a known issuer else
 *   UNKNOWN_ISSUER, type/curve/hash/key usage else INVALID_CERTIFICATE).
 * - Time: the device's EphemeralDataGenerateTime and ConfirmKeyGenerateTime (plus a transmission allowance)
 *   set how long the hub waits for its next message, on the hub clock. When that passes the exchange is
 *   dropped without a Terminate, as TI's KE server does (zcl_key_establish.c `zclKE_ServerConnTimeout` closes
 *   the connection and sends nothing): the device's own timer ends its side.
 * - Several devices at once, up to `maxExchanges` exchanges in progress; one more gets Terminate NO_RESOURCES
 *   with the hub's WaitTime.
 * - Evidence: every step is a `ke` event (certificate issuer and subject, the announced times, Terminate
 *   statuses, the link key's fingerprint). Key material never leaves this object except to the
 *   `onEstablished` listeners (the host installs the key on the coordinator) and is registered as a secret.
 *
 * Pure apart from the clock's timers: no herdsman, no ports.
 */
import type { KeyEstablishmentEvent } from "../evidence/events.js";
import type { EvidenceSink } from "../evidence/log.js";
import type { InitiatePayload, KeConfig, KeMessage, KeStep, OwnCredentials, TrustedCa } from "../crypto/ke.js";
import { KeStatus, keStatusName, supportedSuites, terminateMessage } from "../crypto/ke.js";
import { KeResponder } from "../crypto/ke-responder.js";
import { parseCertificate } from "../crypto/cert.js";
import type { RandomSource } from "../crypto/scalar.js";
import { SUITE2, type CbkeSuite } from "../crypto/suite.js";
import { addSecret } from "../redact.js";
import { ClusterId, commandId } from "../zcl/index.js";
import type { Cancel, Clock } from "./clock.js";
import { type ClusterServer, clusterServer, MalformedCommand, type ServeEnv } from "./servers/server.js";
import type { CommandRequest, CommandResult, RequestContext } from "./types.js";

/** What the hub holds for Key Establishment: its certificate and key, and the CAs it trusts. */
export interface KeServerOptions {
  clock: Clock;
  evidence?: EvidenceSink;
  /** The hub's EUI-64, `0x` + 16 hex digits (the subject of its certificate). */
  hubIeee: string;
  credentials: readonly OwnCredentials[];
  trusted: readonly TrustedCa[];
  /** GB mode (default): suite 2 only, whatever else the credentials hold. */
  gb?: boolean;
  /** Exchanges in progress at once (default 4); one more is refused with NO_RESOURCES. */
  maxExchanges?: number;
  /** Seconds the hub announces for producing its ephemeral data and its confirm message (default 10 / 10). */
  ephemeralDataGenerateTime?: number;
  confirmKeyGenerateTime?: number;
  /** Added to a device's announced times before the hub gives up waiting (default 2000 ms). */
  transmissionAllowanceMs?: number;
  /** WaitTime in the hub's Terminate messages (seconds, default 30). */
  terminateWaitTime?: number;
  random?: RandomSource;
}

/** A link key the hub established with a device. `linkKey` is key material: never log it. */
export interface EstablishedKey {
  device: string;
  nwk: number;
  suite: number;
  linkKey: Buffer;
  fingerprint: string;
}

interface Exchange {
  responder: KeResponder;
  cancelTimer?: Cancel;
}

const KE = ClusterId.keyEstablishment;
const RESPONSE_IDS: Record<string, number> = {
  initiateKeyEstablishmentResponse: commandId(KE, "serverToClient", "initiateKeyEstablishmentResponse"),
  ephemeralDataResponse: commandId(KE, "serverToClient", "ephemeralDataResponse"),
  confirmKeyDataResponse: commandId(KE, "serverToClient", "confirmKeyDataResponse"),
  terminateKeyEstablishment: commandId(KE, "serverToClient", "terminateKeyEstablishment"),
};

/** 8 big-endian octets of a `0x…` EUI-64. */
function eui64Octets(ieee: string): Buffer {
  const hex = ieee.replace(/^0x/i, "");
  if (!/^[0-9a-f]{16}$/i.test(hex)) throw new RangeError(`'${ieee}' is not an EUI-64`);
  return Buffer.from(hex, "hex");
}

function octets(req: CommandRequest, name: string): Buffer {
  const v = req.payload[name];
  if (v instanceof Uint8Array) return Buffer.from(v);
  throw new MalformedCommand(`${req.command}: field ${name} missing or not an octet string`);
}

function u(req: CommandRequest, name: string): number {
  const v = req.payload[name];
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw new MalformedCommand(`${req.command}: field ${name} missing or not an integer`);
}

/** A decoded client → server command as the state machine's message, or MalformedCommand. */
function toMessage(req: CommandRequest): KeMessage {
  switch (req.command) {
    case "initiateKeyEstablishmentRequest":
      return {
        command: req.command,
        payload: {
          keyEstablishmentSuite: u(req, "keyEstablishmentSuite"),
          ephemeralDataGenerateTime: u(req, "ephemeralDataGenerateTime"),
          confirmKeyGenerateTime: u(req, "confirmKeyGenerateTime"),
          identity: octets(req, "identity"),
        },
      };
    case "ephemeralDataRequest":
      return { command: req.command, payload: { ephemeralData: octets(req, "ephemeralData") } };
    case "confirmKeyDataRequest":
      return {
        command: req.command,
        payload: { secureMessageAuthenticationCode: octets(req, "secureMessageAuthenticationCode") },
      };
    case "terminateKeyEstablishment":
      return {
        command: req.command,
        payload: {
          statusCode: u(req, "statusCode"),
          waitTime: u(req, "waitTime"),
          keyEstablishmentSuite: u(req, "keyEstablishmentSuite"),
        },
      };
    default:
      throw new MalformedCommand(`${req.command} is not a Key Establishment request`);
  }
}

export class KeyEstablishmentServer {
  readonly #opts: KeServerOptions;
  readonly #cfg: KeConfig;
  readonly #max: number;
  readonly #exchanges = new Map<string, Exchange>();
  readonly #established = new Map<string, { suite: number; fingerprint: string }>();
  #listeners: ((k: EstablishedKey) => void)[] = [];

  constructor(opts: KeServerOptions) {
    const gb = opts.gb ?? true;
    const credentials = gb ? opts.credentials.filter((c) => c.suite === SUITE2) : [...opts.credentials];
    if (credentials.length === 0) {
      throw new Error(
        gb ? "the hub's Key Establishment needs a suite-2 (sect283k1) certificate in GB mode" : "no hub certificate",
      );
    }
    const hub = eui64Octets(opts.hubIeee);
    for (const c of credentials) {
      const subject = parseCertificate(c.cert).subject;
      if (!subject.equals(hub)) {
        throw new Error(
          `the hub certificate's subject 0x${subject.toString("hex")} is not the hub's EUI-64 ${opts.hubIeee}`,
        );
      }
    }
    this.#opts = opts;
    this.#max = opts.maxExchanges ?? 4;
    if (!Number.isInteger(this.#max) || this.#max < 1) throw new RangeError("maxExchanges must be ≥ 1");
    this.#cfg = {
      ieee: hub,
      credentials,
      trusted: opts.trusted.filter((t) => credentials.some((c) => c.suite === t.suite)),
      ...(opts.ephemeralDataGenerateTime !== undefined
        ? { ephemeralDataGenerateTime: opts.ephemeralDataGenerateTime }
        : {}),
      ...(opts.confirmKeyGenerateTime !== undefined ? { confirmKeyGenerateTime: opts.confirmKeyGenerateTime } : {}),
      ...(opts.transmissionAllowanceMs !== undefined ? { transmissionAllowanceMs: opts.transmissionAllowanceMs } : {}),
      ...(opts.terminateWaitTime !== undefined ? { terminateWaitTime: opts.terminateWaitTime } : {}),
      ...(opts.random ? { random: opts.random } : {}),
    };
  }

  /** The KeyEstablishmentSuite attribute: the bitmap of suites the hub offers (0x0002 in GB mode). */
  get suites(): number {
    return supportedSuites(this.#cfg);
  }

  /** The suites the hub holds credentials for. */
  get suiteList(): readonly CbkeSuite[] {
    return this.#cfg.credentials.map((c) => c.suite);
  }

  /** Exchanges in progress. */
  get inProgress(): number {
    return this.#exchanges.size;
  }

  /** The suite and key fingerprint of the last key established with `device`, if any. */
  establishedWith(device: string): { suite: number; fingerprint: string } | undefined {
    return this.#established.get(device.toLowerCase());
  }

  /** Called (synchronously, before the Confirm Key Data Response goes out) for every key established. */
  onEstablished(listener: (k: EstablishedKey) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** A Key Establishment command from a device: the answer (a response, a Terminate) or none. */
  command(ctx: RequestContext, req: CommandRequest): CommandResult {
    const msg = toMessage(req);
    const device = ctx.device.toLowerCase();
    const now = this.#opts.clock.now();
    let exchange = this.#exchanges.get(device);
    if (msg.command === "initiateKeyEstablishmentRequest") {
      this.#record(device, initiateEvent(device, msg.payload));
      if (!exchange && this.#exchanges.size >= this.#max) {
        const send = terminateMessage(this.#cfg, KeStatus.NO_RESOURCES);
        this.#record(device, {
          step: "refused",
          by: "hub",
          status: KeStatus.NO_RESOURCES,
          statusName: keStatusName(KeStatus.NO_RESOURCES),
          reason: `${this.#exchanges.size} exchanges in progress, the hub's limit`,
        });
        return response(send);
      }
      if (!exchange) {
        exchange = { responder: new KeResponder(this.#cfg, eui64Octets(device)) };
        this.#exchanges.set(device, exchange);
      }
    } else if (!exchange) {
      if (msg.command === "terminateKeyEstablishment") {
        this.#record(device, terminateEvent("device", msg.payload));
        return { kind: "none" };
      }
      // a later step with no exchange: started elsewhere, timed out or already over
      const send = terminateMessage(this.#cfg, KeStatus.BAD_MESSAGE);
      this.#record(device, {
        step: "terminate",
        by: "hub",
        status: KeStatus.BAD_MESSAGE,
        statusName: "BAD_MESSAGE",
        reason: `${msg.command} without an exchange in progress`,
      });
      return response(send);
    } else if (msg.command === "terminateKeyEstablishment") {
      this.#record(device, terminateEvent("device", msg.payload));
    } else {
      this.#record(device, { step: msg.command === "ephemeralDataRequest" ? "ephemeral" : "confirm", by: "device" });
    }
    const step = exchange.responder.receive(msg, now);
    return this.#after(device, ctx.nwk, exchange, step);
  }

  /** Stops every timer (end of a run). */
  close(): void {
    for (const e of this.#exchanges.values()) e.cancelTimer?.();
    this.#exchanges.clear();
  }

  #after(device: string, nwk: number, exchange: Exchange, step: KeStep): CommandResult {
    exchange.cancelTimer?.();
    exchange.cancelTimer = undefined;
    if (step.state === "failed" || step.state === "done") this.#exchanges.delete(device);
    if (step.deadline !== undefined) {
      const deadline = step.deadline;
      exchange.cancelTimer = this.#opts.clock.at(deadline, () => this.#expire(device, exchange, deadline));
    }
    if (step.failure?.by === "self" && step.send?.command === "terminateKeyEstablishment") {
      this.#record(device, {
        ...terminateEvent("hub", step.send.payload),
        reason: step.failure.reason,
      });
    }
    if (step.result) {
      const { linkKey, keyFingerprint, suite } = step.result;
      addSecret(linkKey);
      this.#established.set(device, { suite, fingerprint: keyFingerprint });
      this.#record(device, { step: "established", by: "hub", suite, fingerprint: keyFingerprint });
      const key: EstablishedKey = { device, nwk, suite, linkKey, fingerprint: keyFingerprint };
      for (const l of [...this.#listeners]) l(key);
    }
    return step.send ? response(step.send) : { kind: "none" };
  }

  #expire(device: string, exchange: Exchange, deadline: number): void {
    if (this.#exchanges.get(device) !== exchange) return;
    const step = exchange.responder.expire(Math.max(deadline, this.#opts.clock.now()));
    if (step.state !== "failed") return;
    this.#exchanges.delete(device);
    exchange.cancelTimer = undefined;
    this.#record(device, { step: "timeout", by: "hub", reason: step.failure?.reason ?? "timeout" });
  }

  #record(device: string, body: Omit<KeyEstablishmentEvent, "kind" | "device">): void {
    this.#opts.evidence?.append({ kind: "ke", device, ...body });
  }
}

function response(msg: KeMessage): CommandResult {
  return {
    kind: "response",
    commandId: RESPONSE_IDS[msg.command]!,
    command: msg.command,
    payload: msg.payload as unknown as Record<string, unknown>,
  };
}

function initiateEvent(device: string, p: InitiatePayload): Omit<KeyEstablishmentEvent, "kind" | "device"> {
  const out: Omit<KeyEstablishmentEvent, "kind" | "device"> = {
    step: "initiate",
    by: "device",
    suite: p.keyEstablishmentSuite,
    ephemeralTime: p.ephemeralDataGenerateTime,
    confirmTime: p.confirmKeyGenerateTime,
  };
  try {
    const cert = parseCertificate(p.identity);
    out.issuer = cert.issuer.toString("hex");
    out.subject = cert.subject.toString("hex");
  } catch {
    out.reason = `${device} sent ${p.identity.length} octets that are not a certificate`;
  }
  return out;
}

function terminateEvent(
  by: "device" | "hub",
  p: { statusCode: number; waitTime: number; keyEstablishmentSuite: number },
): Omit<KeyEstablishmentEvent, "kind" | "device"> {
  return {
    step: "terminate",
    by,
    status: p.statusCode,
    statusName: keStatusName(p.statusCode),
    waitTime: p.waitTime,
    suite: p.keyEstablishmentSuite,
  };
}

/** The cluster server of the ESI endpoint for 0x0800: the KeyEstablishmentSuite attribute and the requests. */
export function keyEstablishmentServer(ke: KeyEstablishmentServer): ClusterServer {
  const handle = (env: ServeEnv, req: CommandRequest) => ke.command(env.ctx, req);
  return clusterServer(KE, {
    attributes: { keyEstablishmentSuite: { get: () => ke.suites } },
    commands: {
      initiateKeyEstablishmentRequest: handle,
      ephemeralDataRequest: handle,
      confirmKeyDataRequest: handle,
      terminateKeyEstablishment: handle,
    },
  });
}
