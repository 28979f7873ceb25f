/**
 * A node's requests waiting for their replies. A reply is matched by one key, built by the same function
 * for the request sent and for the frame that answers it: who answers (network address, and endpoint for
 * ZCL), the cluster, the transaction sequence number and, for ZCL, the reply's direction (a request from the
 * other side with the same TSN is not an answer). Real milliseconds bound each wait.
 */
import type { Direction } from "../../zcl/index.js";

/** The key of a ZCL reply from `nwk`/`ep` on `clusterId` with `tsn`, travelling in `direction`. */
export function zclReplyKey(nwk: number, ep: number, clusterId: number, tsn: number, direction: Direction): string {
  return `c:${nwk}:${ep}:${clusterId}:${tsn}:${direction === "serverToClient" ? 1 : 0}`;
}

/** The key of a ZDO response (`responseCluster`, the request's with bit 15 set) from `nwk` with `tsn`. */
export function zdoReplyKey(nwk: number, responseCluster: number, tsn: number): string {
  return `z:${nwk}:${responseCluster}:${tsn}`;
}

interface Pending {
  resolve(b: Buffer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class RequestCorrelator {
  readonly #pending = new Map<string, Pending>();

  /** Whether any request is waiting (a node checks this before building a key for every frame). */
  get waiting(): boolean {
    return this.#pending.size > 0;
  }

  /** Resolves with the reply settled under `key`, or rejects after `timeoutMs` naming `what` and `who`. */
  expect(key: string, timeoutMs: number, what: string, who: string): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        reject(new Error(`${who}: no response to ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(key, { resolve, reject, timer });
    });
  }

  /** Hands `body` to the request waiting under `key`; false when none is. */
  settle(key: string, body: Buffer): boolean {
    const p = this.#pending.get(key);
    if (!p) return false;
    this.#pending.delete(key);
    clearTimeout(p.timer);
    p.resolve(body);
    return true;
  }

  /** Rejects every waiting request (the node left, lost power or was removed). */
  failAll(err: Error): void {
    for (const [key, p] of this.#pending) {
      clearTimeout(p.timer);
      this.#pending.delete(key);
      p.reject(err);
    }
  }
}
