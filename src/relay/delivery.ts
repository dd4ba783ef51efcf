import { SigrunError } from "../core/index.js";

/** Something the relay hands to the socket that holds a role of a session. */
export type Delivery =
  | { kind: "data"; data: Uint8Array }
  | { kind: "peer_joined"; context: string | null; expiresAt: number }
  | { kind: "peer_left"; graceMs: number }
  | { kind: "peer_back" }
  | { kind: "closed"; reason: string; by: "peer" | "relay" }
  | { kind: "evicted" };

const KINDS = ["data", "peer_joined", "peer_left", "peer_back", "closed", "evicted"] as const;

/**
 * Binary form used between relay nodes (pub/sub) and in away-buffers: one kind byte, then the data bytes
 * (kind `data`) or a small JSON object. Fields mirror {@link Delivery}.
 */
export function encodeDelivery(d: Delivery): Buffer {
  const k = KINDS.indexOf(d.kind) + 1;
  if (d.kind === "data") {
    const out = Buffer.allocUnsafe(d.data.byteLength + 1);
    out[0] = k;
    out.set(d.data, 1);
    return out;
  }
  const { kind: _kind, ...rest } = d;
  return Buffer.concat([Buffer.from([k]), Buffer.from(JSON.stringify(rest))]);
}

export function decodeDelivery(b: Buffer): Delivery {
  const kind = KINDS[(b[0] ?? 0) - 1];
  if (kind === undefined) throw new SigrunError("INTERNAL", "delivery: unknown kind byte");
  if (kind === "data") return { kind, data: new Uint8Array(b.buffer, b.byteOffset + 1, b.byteLength - 1) };
  const rest = JSON.parse(b.subarray(1).toString("utf8")) as Record<string, unknown>;
  return { kind, ...rest } as Delivery;
}
