import { hostname } from "node:os";
import { type OpensslVerifyOptions, verifyOpensslBundle } from "./openssl-compat.js";
import { type VerifiedBundle, type VerifyOptions, verifyBundle } from "./verify.js";

/**
 * The one entry point for verifying what a submitter hands over, in either form: a `.sgb`, or a classic
 * tar.gz with its detached openssl signature. Both forms get the same trust parameters (trust store with
 * revocations and key purposes, threshold, host and groups, time, caps), so no intake path can forget
 * one. The agent, `sigrun run` and `sigrun verify` all verify through here.
 */
export function verifySubmission(
  bytes: Uint8Array,
  signature: Uint8Array | undefined,
  opts: VerifyOptions,
): VerifiedBundle {
  if (signature === undefined) return verifyBundle(bytes, opts);
  const classic: OpensslVerifyOptions = { trust: opts.trust, threshold: opts.threshold, caps: opts.caps };
  return verifyOpensslBundle(bytes, signature, classic);
}

/** This machine's host id as the agent uses it by default: the short hostname. */
export function localHostId(): string {
  return hostname().split(".")[0]!;
}
