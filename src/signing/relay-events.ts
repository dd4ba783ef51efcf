// The relay client's event queue: listeners see every event; `next()` callers get them in arrival order,
// from the queue or, when they are already waiting, directly. Bounded: a full queue is reported to the
// client, which closes the connection.
import { SigrunError } from "../core/index.js";
import type { RelayEvent } from "./relay-types.js";

export type Listener = (event: RelayEvent) => void;
type Waiter = (ev: RelayEvent | undefined) => void;

export class RelayEventQueue {
  readonly #max: number;
  #queue: RelayEvent[] = [];
  #waiters: Waiter[] = [];
  #listeners = new Set<Listener>();

  constructor(maxQueuedEvents: number) {
    this.#max = maxQueuedEvents;
  }

  /**
   * Delivers one event: to every listener, then to the oldest waiter or the queue. Returns false, with
   * the queue emptied, when the queue is full (the caller closes the connection).
   */
  push(ev: RelayEvent): boolean {
    for (const l of this.#listeners) {
      try {
        l(ev);
      } catch {
        // a listener's failure must not break the connection
      }
    }
    const w = this.#waiters.shift();
    if (w) {
      w(ev);
      return true;
    }
    if (this.#queue.length >= this.#max) {
      this.#queue.length = 0;
      return false;
    }
    this.#queue.push(ev);
    return true;
  }

  /** The oldest queued event, if any. */
  shift(): RelayEvent | undefined {
    return this.#queue.shift();
  }

  /** Waits for the next pushed event; TIMEOUT after `timeoutMs`; RELAY_UNAVAILABLE on `release()`. */
  wait(timeoutMs: number | undefined): Promise<RelayEvent> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (ev: RelayEvent | undefined) => {
        if (timer) clearTimeout(timer);
        if (ev) resolve(ev);
        else reject(new SigrunError("RELAY_UNAVAILABLE", "next: connection is closed"));
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(new SigrunError("TIMEOUT", `next: no relay event within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.#waiters.push(waiter);
    });
  }

  /** Removes and returns the first queued `peer_joined` event. */
  takePeerJoined(): Extract<RelayEvent, { type: "peer_joined" }> | undefined {
    const i = this.#queue.findIndex((e) => e.type === "peer_joined");
    if (i < 0) return undefined;
    const [ev] = this.#queue.splice(i, 1);
    return ev as Extract<RelayEvent, { type: "peer_joined" }>;
  }

  /** Puts events back at the front, in order (events held while waiting for something else). */
  unshift(events: RelayEvent[]): void {
    this.#queue.unshift(...events);
  }

  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Fails every waiter (the connection is closed). */
  release(): void {
    for (const w of this.#waiters.splice(0)) w(undefined);
  }
}
