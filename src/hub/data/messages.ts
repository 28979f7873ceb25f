/**
 * Supplier messages, each owned by the tenancy in force when it was published. Ids and texts carry the
 * tenancy: the id's last two decimal digits are the tenancy (tag.ts) and the text starts with the marker
 * `T<n>-MSG-<id>`, e.g. `T1-MSG-482101 previous occupier`.
 */
import type { EndpointRole } from "../types.js";
import { between } from "./tag.js";

export interface SupplierMessage {
  messageId: number;
  text: string;
  tenancy: number;
  roles: EndpointRole[];
  /** Hub ms. */
  publishedAt: number;
  messageControl: number;
  durationInMinutes: number;
}

/** Longest message text served (ZCL frames stay unfragmented). */
const MAX_MESSAGE_TEXT = 48;

export class MessageStore {
  readonly #messages: SupplierMessage[] = [];
  readonly #counts = new Map<number, number>();
  readonly confirmations: { messageId: number; device: string; role: EndpointRole; confirmationTime: number }[] = [];

  constructor(readonly seed: number) {}

  publish(opts: {
    tenancy: number;
    now: number;
    text?: string;
    roles: EndpointRole[];
    messageControl?: number;
    durationInMinutes?: number;
  }): SupplierMessage {
    const k = this.#counts.get(opts.tenancy) ?? 0;
    this.#counts.set(opts.tenancy, k + 1);
    const base = between(1_000, 8_999, this.seed, opts.tenancy, 21);
    const messageId = (base + k) * 100 + opts.tenancy;
    const body = opts.text ?? (opts.tenancy === 1 ? "previous occupier" : "new occupier");
    const text = `T${opts.tenancy}-MSG-${messageId} ${body}`.slice(0, MAX_MESSAGE_TEXT);
    const msg: SupplierMessage = {
      messageId,
      text,
      tenancy: opts.tenancy,
      roles: [...opts.roles],
      publishedAt: opts.now,
      messageControl: opts.messageControl ?? 0x00,
      durationInMinutes: opts.durationInMinutes ?? 0xffff,
    };
    this.#messages.push(msg);
    return msg;
  }

  /** The last message of `tenancy` published for `role`. */
  last(tenancy: number, role: EndpointRole): SupplierMessage | undefined {
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const m = this.#messages[i]!;
      if (m.tenancy === tenancy && m.roles.includes(role)) return m;
    }
    return undefined;
  }

  all(): readonly SupplierMessage[] {
    return this.#messages;
  }
}
