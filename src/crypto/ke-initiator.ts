/**
 * The Key Establishment client side (the initiator U: what an emulated PPMID or ESME runs) as a pure state
 * machine for one exchange with the trust centre: `start` gives the Initiate KE Request; each decoded command
 * from the responder gives the next command to send, until MACV is verified and the link key is the result.
 * No timers, no I/O (see ke.ts for the time contract).
 *
 * Suite choice: the highest suite both sides support, the responder's side taken from its
 * KeyEstablishmentSuite attribute when the caller has read it.
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
  supportedSuites,
  terminateMessage,
  u8Seconds,
} from "./ke.js";

export interface InitiatorOptions {
  /**
   * How long to wait for the Initiate KE Response (ms), before the responder has announced its times.
   * Default: 10 s plus the transmission allowance.
   */
  initiateResponseTimeoutMs?: number;
  /** Sends a wrong MACU (the emulated `bad-mac` profile); the responder must answer BAD_KEY_CONFIRM. */
  corruptConfirmMac?: boolean;
}

export class KeInitiator {
  readonly #cfg: KeConfig;
  readonly #opts: InitiatorOptions;
  readonly #partner: Buffer;
  #state: KeState = "idle";
  #deadline: number | undefined;
  #own: OwnCredentials | undefined;
  #partnerStatic: CurvePoint | undefined;
  #partnerConfirmTime = 0;
  #ephemeral: EphemeralKey | undefined;
  #expectedMacV: Buffer | undefined;
  #keyData: Buffer | undefined;

  /** `partnerIeee`: the responder's (trust centre's) EUI-64, 8 octets big-endian. */
  constructor(cfg: KeConfig, partnerIeee: Uint8Array, opts: InitiatorOptions = {}) {
    if (partnerIeee.length !== 8) throw new RangeError("an EUI-64 is 8 octets");
    this.#cfg = cfg;
    this.#opts = opts;
    this.#partner = Buffer.from(partnerIeee);
  }

  get state(): KeState {
    return this.#state;
  }

  get deadline(): number | undefined {
    return this.#deadline;
  }

  /**
   * Starts an exchange at `now`. `partnerSuites` is the responder's KeyEstablishmentSuite attribute when read
   * (default: assume it supports what this side does). No common suite: the step fails with nothing to send.
   */
  start(now: number, partnerSuites?: number): KeStep {
    const common = supportedSuites(this.#cfg) & (partnerSuites ?? 0xffff);
    const own = [...this.#cfg.credentials].sort((a, b) => b.suite.id - a.suite.id).find((c) => common & c.suite.id);
    if (!own) {
      return this.#fail(undefined, {
        by: "self",
        reason: `no common suite (ours 0x${supportedSuites(this.#cfg).toString(16)}, the responder's 0x${(partnerSuites ?? 0).toString(16)})`,
      });
    }
    this.#own = own;
    this.#state = "awaitInitiateResponse";
    this.#deadline = now + (this.#opts.initiateResponseTimeoutMs ?? 10_000 + this.#allowance());
    return {
      state: this.#state,
      deadline: this.#deadline,
      send: {
        command: "initiateKeyEstablishmentRequest",
        payload: {
          keyEstablishmentSuite: own.suite.id,
          ephemeralDataGenerateTime: u8Seconds(this.#cfg.ephemeralDataGenerateTime, 10),
          confirmKeyGenerateTime: u8Seconds(this.#cfg.confirmKeyGenerateTime, 10),
          identity: Buffer.from(own.cert),
        },
      },
    };
  }

  /** Handles one command from the responder at `now` (ms). */
  receive(msg: KeMessage, now: number): KeStep {
    switch (msg.command) {
      case "initiateKeyEstablishmentResponse":
        if (this.#state !== "awaitInitiateResponse") return this.#outOfOrder(msg.command);
        return this.#initiateResponse(msg.payload, now);
      case "ephemeralDataResponse":
        if (this.#state !== "awaitEphemeral") return this.#outOfOrder(msg.command);
        return this.#ephemeralResponse(msg.payload.ephemeralData, now);
      case "confirmKeyDataResponse":
        if (this.#state !== "awaitConfirm") return this.#outOfOrder(msg.command);
        return this.#confirmResponse(msg.payload.secureMessageAuthenticationCode);
      case "terminateKeyEstablishment":
        return this.#fail(undefined, {
          by: "partner",
          status: msg.payload.statusCode,
          waitTime: msg.payload.waitTime,
          reason: `the responder terminated: ${keStatusName(msg.payload.statusCode)}`,
        });
      default:
        return this.#terminate(KeStatus.BAD_MESSAGE, `${msg.command} is not a response to the client`);
    }
  }

  expire(now: number): KeStep {
    if (this.#deadline === undefined || now < this.#deadline) return { state: this.#state, deadline: this.#deadline };
    const waited = {
      awaitInitiateResponse: "Initiate KE Response",
      awaitEphemeral: "Ephemeral Data Response",
      awaitConfirm: "Confirm Key Data Response",
    }[this.#state as "awaitInitiateResponse" | "awaitEphemeral" | "awaitConfirm"];
    return this.#fail(undefined, { by: "self", reason: `timeout: no ${waited} in time` });
  }

  #initiateResponse(p: InitiatePayload, now: number): KeStep {
    const own = this.#own!;
    const suite = own.suite;
    if ((p.keyEstablishmentSuite & 0xffff) !== suite.id) {
      return this.#terminate(
        KeStatus.BAD_MESSAGE,
        `the response names suite 0x${p.keyEstablishmentSuite.toString(16)}, the request ${suite.id}`,
      );
    }
    const check = checkPartnerCertificate(suite, p.identity, this.#partner, this.#cfg.trusted);
    if (!check.ok) return this.#terminate(check.status, check.reason);
    try {
      this.#partnerStatic = reconstructPublicKey(suite, p.identity, check.ca.publicKey);
    } catch (err) {
      return this.#terminate(KeStatus.INVALID_CERTIFICATE, `certificate: ${(err as Error).message}`);
    }
    this.#partnerConfirmTime = p.confirmKeyGenerateTime;
    this.#ephemeral = newEphemeral(this.#cfg, suite);
    this.#state = "awaitEphemeral";
    this.#deadline = now + p.ephemeralDataGenerateTime * 1000 + this.#allowance();
    return {
      state: this.#state,
      deadline: this.#deadline,
      send: { command: "ephemeralDataRequest", payload: { ephemeralData: this.#ephemeral.encoded } },
    };
  }

  #ephemeralResponse(qev: Buffer, now: number): KeStep {
    const suite = this.#own!.suite;
    const eph = this.#ephemeral!;
    let Z: Buffer;
    try {
      if (qev.length !== suite.pointBytes) throw new RangeError(`${qev.length} octets, not ${suite.pointBytes}`);
      Z = ecmqvSharedSecret(suite, {
        staticPrivate: this.#own!.privateKey,
        ephemeralPrivate: eph.private,
        ephemeralPublic: eph.public,
        partnerStatic: this.#partnerStatic!,
        partnerEphemeral: suite.curve.decode(qev),
      });
    } catch (err) {
      return this.#terminate(KeStatus.BAD_MESSAGE, `ephemeral data: ${(err as Error).message}`);
    }
    const keys = deriveKeys(Z);
    const m = { ieeeU: this.#cfg.ieee, ieeeV: this.#partner, qeu: eph.encoded, qev };
    let mac = macU(keys.macKey, m);
    if (this.#opts.corruptConfirmMac) {
      mac = Buffer.from(mac);
      mac[0] = mac[0]! ^ 0xff;
    }
    this.#expectedMacV = macV(keys.macKey, m);
    this.#keyData = keys.keyData;
    this.#state = "awaitConfirm";
    this.#deadline = now + this.#partnerConfirmTime * 1000 + this.#allowance();
    return {
      state: this.#state,
      deadline: this.#deadline,
      send: { command: "confirmKeyDataRequest", payload: { secureMessageAuthenticationCode: mac } },
    };
  }

  #confirmResponse(mac: Buffer): KeStep {
    if (mac.length !== 16 || !timingSafeEqual(mac, this.#expectedMacV!)) {
      return this.#terminate(KeStatus.BAD_KEY_CONFIRM, "MACV does not verify");
    }
    const linkKey = this.#keyData!;
    this.#clear();
    this.#state = "done";
    return {
      state: "done",
      result: {
        suite: this.#own!.suite.id,
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

  #clear(): void {
    this.#deadline = undefined;
    this.#ephemeral = undefined;
    this.#expectedMacV = undefined;
    this.#keyData = undefined;
  }

  #terminate(status: number, reason: string): KeStep {
    return this.#fail(terminateMessage(this.#cfg, status), { by: "self", status, reason });
  }

  #fail(send: KeMessage | undefined, failure: NonNullable<KeStep["failure"]>): KeStep {
    this.#clear();
    this.#state = "failed";
    return send ? { state: "failed", send, failure } : { state: "failed", failure };
  }
}
