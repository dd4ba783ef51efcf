import { SigrunError } from "../core/index.js";
import { sanitizeRelayText } from "../protocol/index.js";
import type { Channel, FrameType, OpenedFrame } from "../session/index.js";
import type { RelayEvent } from "./relay-types.js";

/** The part of the relay client the signing flows use (a test harness can stand in for it). */
export interface RelayLike {
  readonly welcome: { readonly limits: { readonly maxFrameBytes: number }; readonly motd: string | null };
  readonly bufferedAmount: number;
  create(opts?: {
    ttlSeconds?: number;
    context?: Uint8Array;
  }): Promise<{ session: string; expiresAt: number }>;
  join(session: string, context?: Uint8Array): Promise<{ session: string; expiresAt: number }>;
  waitForPeer(opts: { timeoutMs: number }): Promise<Uint8Array | null>;
  send(data: Uint8Array): void;
  next(opts?: { timeoutMs?: number }): Promise<RelayEvent>;
  close(reason?: string): Promise<void>;
}

const HIGH_WATER = 4 * 1024 * 1024;

/**
 * An encrypted, strictly ordered link: channel frames over a relay. Relay events other than data
 * (peer_left, peer_back, resumed) are waited through; `closed` and relay errors end the link.
 */
export class SecureLink {
  readonly relay: RelayLike;
  readonly channel: Channel;

  constructor(relay: RelayLike, channel: Channel) {
    this.relay = relay;
    this.channel = channel;
  }

  async send(type: FrameType, plaintext: Uint8Array): Promise<void> {
    const frame = this.channel.seal(type, plaintext);
    for (let i = 0; this.relay.bufferedAmount > HIGH_WATER && i < 10_000; i++)
      await new Promise((r) => setTimeout(r, 5));
    this.relay.send(frame);
  }

  /** Next authenticated frame; TIMEOUT after `timeoutMs`, RELAY_UNAVAILABLE when the session ends. */
  async recv(timeoutMs: number): Promise<OpenedFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new SigrunError("TIMEOUT", `no message from the peer within ${Math.round(timeoutMs / 1000)} s`);
      let ev: RelayEvent;
      try {
        ev = await this.relay.next({ timeoutMs: left });
      } catch (err) {
        if (err instanceof SigrunError && err.code === "TIMEOUT")
          throw new SigrunError(
            "TIMEOUT",
            `no message from the peer within ${Math.round(timeoutMs / 1000)} s`,
          );
        throw err;
      }
      switch (ev.type) {
        case "data":
          return this.channel.open(ev.data);
        case "closed":
          this.channel.close("relay session closed");
          throw new SigrunError(
            "RELAY_UNAVAILABLE",
            `relay session closed by ${ev.by}: ${sanitizeRelayText(ev.reason, { maxChars: 120 })}`,
          );
        case "error":
          if (ev.retryable) continue;
          throw ev.error;
        default:
          continue;
      }
    }
  }
}
