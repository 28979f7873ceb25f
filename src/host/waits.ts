/**
 * herdsman's waits without an `Error` per wait (virtual runs: host option `lazyWaitErrors`).
 *
 * herdsman 11.1.1's `Waitress.waitFor(…).start()` (dist/utils/waitress.js) builds the `Error` a timeout would
 * reject with, message and stack trace, each time a wait starts, so that the trace shows who waited: every MT
 * request to the coordinator (its SRSP), every AF data confirm and every ZCL response waited for. Nearly
 * every wait is answered, and the error is thrown away. `lazyTimeoutErrors` makes one waitress build that
 * error when the wait times out instead: the same message (herdsman's own formatter), the same rejection at
 * the same moment; only the stack trace is the timer's. Everything else is herdsman's logic, unchanged: the
 * waiter objects in its map, its ids, `resolve` / `reject` / `remove` / `clear` as it ships them.
 */
import type { Waitress } from "zigbee-herdsman/dist/utils/waitress.js";

interface Waiter<P, M> {
  matcher: M;
  resolve: (payload: P) => void;
  reject: (error: Error) => void;
  timedout: boolean;
  resolved: boolean;
  ID: number;
  timer?: NodeJS.Timeout;
}

/** The private fields of herdsman's Waitress that its own waitFor uses. */
interface WaitressInternals<P, M> {
  waiters: Map<number, Waiter<P, M>>;
  timeoutFormatter: (matcher: M, timeout: number) => string;
  currentID: number;
}

/** Replaces one waitress's `waitFor` by one that builds the timeout's `Error` only when the wait times out. */
export function lazyTimeoutErrors<P, M>(waitress: Waitress<P, M>): void {
  const w = waitress as unknown as WaitressInternals<P, M> & Pick<Waitress<P, M>, "waitFor">;
  if (!(w.waiters instanceof Map) || typeof w.timeoutFormatter !== "function" || typeof w.currentID !== "number") {
    throw new Error("not herdsman 11.1.1's Waitress (waiters, timeoutFormatter, currentID)");
  }
  w.waitFor = (matcher: M, timeout: number) => {
    w.currentID += 1;
    const ID = w.currentID;
    const promise = new Promise<P>((resolve, reject) => {
      w.waiters.set(ID, { matcher, resolve, reject, timedout: false, resolved: false, ID });
    });
    const start = () => {
      const waiter = w.waiters.get(ID);
      if (waiter && !waiter.resolved && !waiter.timer) {
        waiter.timer = setTimeout(() => {
          waiter.timedout = true;
          waiter.reject(new Error(w.timeoutFormatter(matcher, timeout)));
        }, timeout);
      }
      return { promise, ID };
    };
    return { ID, start };
  };
}

/** The waitresses of herdsman's Z-Stack adapter: its MT layer's (`znp.waitress`) and its ZCL responses'. */
export function zstackWaitresses(adapter: unknown): Waitress<unknown, unknown>[] {
  const a = adapter as { waitress?: Waitress<unknown, unknown>; znp?: { waitress?: Waitress<unknown, unknown> } };
  return [a.znp?.waitress, a.waitress].filter((w): w is Waitress<unknown, unknown> => w !== undefined);
}
