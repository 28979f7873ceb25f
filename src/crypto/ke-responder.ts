/**
 * The Key Establishment server side (the responder V: the Comms Hub's trust centre) as a pure state machine
 * for one partner: decoded commands in, commands to send out, no timers, no I/O (see ke.ts for the time
 * contract). One exchange: Initiate KE Request → Response (the checks of the partner's certificate first),
 * Ephemeral Data Request → Response (QEV; Z, MacKey and KeyData computed here), Confirm Key Data Request →
 * MACU verified → Response (MACV), and the link key is the result. Any failure sends Terminate KE with its
 * status; the partner's Terminate ends the exchange.
 *
 * Suite negotiation: the request names one suite; more than one bit is BAD_MESSAGE, a suite this side has no
 * credentials for UNSUPPORTED_SUITE (a GB hub holds suite-2 credentials only).
 */
import { timingSafeEqual } from "node:crypto";
import {
  type CurvePoint,
  deriveKeys,
  ecmqvSharedSecret,
  type EphemeralKey,
  macU,
  macV,
  reconstructPublicKey,
} from "./cbke.js";
import {
  bitCount,
  checkPartnerCertificate,
  type InitiatePayload,
  type KeConfig,
  type KeMessage,
  type KeState,
  type KeStep,
  KeStatus,
  keStatusName,
  keyFingerprint,
  newEphemeral,
  type OwnCredentials,
  terminateMessage,
  u8Seconds,
} from "./ke.js";
import { suiteById } from "./suite.js";

interface Session {
  own: OwnCredentials;
  partnerCert: Buffer;
  partnerStatic: CurvePoint;
  /** The partner's announced times, seconds. */
  partnerEphemeralTime: number;
  partnerConfirmTime: number;
  ephemeral?: EphemeralKey;
  qeu?: Buffer;
  expectedMacU?: Buffer;
  macV?: Buffer;
  keyData?: Buffer;
}

export class KeResponder {
  readonly #cfg: KeConfig;
  readonly #partner: Buffer;
  #state: KeState = "idle";
  #deadline: number | undefined;
  #session: Session | undefined;

  /** `partnerIeee`: the initiator's EUI-64, 8 octets big-endian (the APS source of its frames). */
  constructor(cfg: KeConfig, partnerIeee: Uint8Array) {
    if (partnerIeee.length !== 8) throw new RangeError("an EUI-64 is 8 octets");
    this.#cfg = cfg;
    this.#partner = Buffer.from(partnerIeee);
  }

  get state(): KeState {
    return this.#state;
  }

  /** When the partner's next message is due (caller's clock, ms), while one is awaited. */
  get deadline(): number | undefined {
    return this.#deadline;
  }

  /** Handles one command from the partner at time `now` (ms, the caller's clock). */
  receive(msg: KeMessage, now: number): KeStep {
    switch (msg.command) {
      case "initiateKeyEstablishmentRequest":
        // a new request (also a retry after a failure or a completed exchange) starts over
        return this.#initiate(msg.payload, now);
      case "ephemeralDataRequest":
        if (this.#state !== "awaitEphemeral") return this.#outOfOrder(msg.command);
        return this.#ephemeral(msg.payload.ephemeralData, now);
      case "confirmKeyDataRequest":
        if (this.#state !== "awaitConfirm") return this.#outOfOrder(msg.command);
        return this.#confirm(msg.payload.secureMessageAuthenticationCode);
      case "terminateKeyEstablishment":
        return this.#fail(undefined, {
          by: "partner",
          status: msg.payload.statusCode,
          waitTime: msg.payload.waitTime,
          reason: `the partner terminated: ${keStatusName(msg.payload.statusCode)}`,
        });
      default:
        // a server-to-client command sent to the server
        return this.#terminate(KeStatus.BAD_MESSAGE, `${msg.command} is not a request to the server`);
    }
  }

  /** Called by the caller when the deadline has passed: the exchange fails (nothing is sent). */
  expire(now: number): KeStep {
    if (this.#deadline === undefined || now < this.#deadline) return { state: this.#state, deadline: this.#deadline };
    const waited = this.#state === "awaitEphemeral" ? "Ephemeral Data Request" : "Confirm Key Data Request";
    return this.#fail(undefined, { by: "self", reason: `timeout: no ${waited} by the partner's announced time` });
  }

  #initiate(p: InitiatePayload, now: number): KeStep {
    this.#session = undefined;
    const bits = p.keyEstablishmentSuite & 0xffff;
    if (bitCount(bits) > 1) {
      return this.#terminate(KeStatus.BAD_MESSAGE, `the request names more than one suite (0x${bits.toString(16)})`);
    }
    const suite = suiteById(bits);
    const own = this.#cfg.credentials.find((c) => c.suite === suite);
    if (!suite || !own) {
      return this.#terminate(KeStatus.UNSUPPORTED_SUITE, `suite 0x${bits.toString(16).padStart(4, "0")} not supported`);
    }
    const check = checkPartnerCertificate(suite, p.identity, this.#partner, this.#cfg.trusted);
    if (!check.ok) return this.#terminate(check.status, check.reason);
    let partnerStatic: CurvePoint;
    try {
      partnerStatic = reconstructPublicKey(suite, p.identity, check.ca.publicKey);
    } catch (err) {
      return this.#terminate(KeStatus.INVALID_CERTIFICATE, `certificate: ${(err as Error).message}`);
    }
    this.#session = {
      own,
      partnerCert: Buffer.from(p.identity),
      partnerStatic,
      partnerEphemeralTime: p.ephemeralDataGenerateTime,
      partnerConfirmTime: p.confirmKeyGenerateTime,
    };
    this.#state = "awaitEphemeral";
    this.#deadline = now + p.ephemeralDataGenerateTime * 1000 + this.#allowance();
    return {
      state: this.#state,
      deadline: this.#deadline,
      send: {
        command: "initiateKeyEstablishmentResponse",
        payload: {
          keyEstablishmentSuite: suite.id,
          ephemeralDataGenerateTime: u8Seconds(this.#cfg.ephemeralDataGenerateTime, 10),
          confirmKeyGenerateTime: u8Seconds(this.#cfg.confirmKeyGenerateTime, 10),
          identity: Buffer.from(own.cert),
        },
      },
    };
  }

  #ephemeral(qeu: Buffer, now: number): KeStep {
    const s = this.#session!;
    const suite = s.own.suite;
    let partnerEphemeral: CurvePoint;
    try {
      if (qeu.length !== suite.pointBytes) throw new RangeError(`${qeu.length} octets, not ${suite.pointBytes}`);
      partnerEphemeral = suite.curve.decode(qeu);
    } catch (err) {
      return this.#terminate(KeStatus.BAD_MESSAGE, `ephemeral data is not a point: ${(err as Error).message}`);
    }
    const eph = newEphemeral(this.#cfg, suite);
    let Z: Buffer;
    try {
      Z = ecmqvSharedSecret(suite, {
        staticPrivate: s.own.privateKey,
        ephemeralPrivate: eph.private,
        ephemeralPublic: eph.public,
        partnerStatic: s.partnerStatic,
        partnerEphemeral,
      });
    } catch (err) {
      return this.#terminate(KeStatus.BAD_MESSAGE, (err as Error).message);
    }
    const keys = deriveKeys(Z);
    const m = { ieeeU: this.#partner, ieeeV: this.#cfg.ieee, qeu, qev: eph.encoded };
    s.ephemeral = eph;
    s.qeu = Buffer.from(qeu);
    s.expectedMacU = macU(keys.macKey, m);
    s.macV = macV(keys.macKey, m);
    s.keyData = keys.keyData;
    this.#state = "awaitConfirm";
    this.#deadline = now + s.partnerConfirmTime * 1000 + this.#allowance();
    return {
      state: this.#state,
      deadline: this.#deadline,
      send: { command: "ephemeralDataResponse", payload: { ephemeralData: eph.encoded } },
    };
  }

  #confirm(mac: Buffer): KeStep {
    const s = this.#session!;
    if (mac.length !== 16 || !timingSafeEqual(mac, s.expectedMacU!)) {
      return this.#terminate(KeStatus.BAD_KEY_CONFIRM, "MACU does not verify");
    }
    const linkKey = s.keyData!;
    this.#state = "done";
    this.#deadline = undefined;
    this.#session = undefined;
    return {
      state: "done",
      send: { command: "confirmKeyDataResponse", payload: { secureMessageAuthenticationCode: s.macV! } },
      result: {
        suite: s.own.suite.id,
        partner: `0x${this.#partner.toString("hex")}`,
        linkKey,
        keyFingerprint: keyFingerprint(linkKey),
      },
    };
  }

  #outOfOrder(command: string): KeStep {
    return this.#terminate(KeStatus.BAD_MESSAGE, `${command} out of sequence (state ${this.#state})`);
  }

  #allowance(): number {
    return this.#cfg.transmissionAllowanceMs ?? 2000;
  }

  #terminate(status: number, reason: string): KeStep {
    return this.#fail(terminateMessage(this.#cfg, status), { by: "self", status, reason });
  }

  #fail(send: KeMessage | undefined, failure: NonNullable<KeStep["failure"]>): KeStep {
    this.#state = "failed";
    this.#deadline = undefined;
    this.#session = undefined;
    return send ? { state: "failed", send, failure } : { state: "failed", failure };
  }
}
