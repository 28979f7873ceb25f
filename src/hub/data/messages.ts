/**
 * Supplier messages as the meters keep them: each message is published on one or both meters and stays
 * the meter's active message (what GetLastMessage answers) until the supplier replaces it; a CoT changes
 * nothing (cot-suite.md "The meters behave as real meters": StartTime now and Duration 0xFFFF as in the
 * RTDS GCS07 vector, domain.md §16.3). Message ids are strictly increasing UTC timestamps, as GB message
 * and issuer event ids are (the GCS07 MessageID 0x1C374A80 is 2015-01-01T00:00Z).
 */
import type { EndpointRole } from "../types.js";

export interface SupplierMessage {
  messageId: number;
  text: string;
  roles: EndpointRole[];
  /** Hub ms the meters received it (its start: "now" when published). */
  publishedAt: number;
  messageControl: number;
  durationInMinutes: number;
}

/** Longest message text served (ZCL frames stay unfragmented). */
const MAX_MESSAGE_TEXT = 48;

export class MessageStore {
  readonly #messages: SupplierMessage[] = [];
  readonly confirmations: { messageId: number; device: string; role: EndpointRole; confirmationTime: number }[] = [];

  /** Publishes a message with this id (the caller's issuer id) on the given meters. */
  publish(opts: {
    messageId: number;
    now: number;
    text?: string;
    roles: EndpointRole[];
    messageControl?: number;
    durationInMinutes?: number;
  }): SupplierMessage {
    const previous = this.#messages.at(-1);
    if (previous && opts.messageId <= previous.messageId) {
      throw new RangeError(`message id ${opts.messageId} is not above the previous ${previous.messageId}`);
    }
    const text = (opts.text ?? `Supplier message ${this.#messages.length + 1}`).slice(0, MAX_MESSAGE_TEXT);
    const msg: SupplierMessage = {
      messageId: opts.messageId,
      text,
      roles: [...opts.roles],
      publishedAt: opts.now,
      messageControl: opts.messageControl ?? 0x00,
      durationInMinutes: opts.durationInMinutes ?? 0xffff,
    };
    this.#messages.push(msg);
    return msg;
  }

  /** The message a meter serves now: the last one published on it. */
  active(role: EndpointRole): SupplierMessage | undefined {
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const m = this.#messages[i]!;
      if (m.roles.includes(role)) return m;
    }
    return undefined;
  }

  all(): readonly SupplierMessage[] {
    return this.#messages;
  }
}
