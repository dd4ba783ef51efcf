import { SigrunError } from "../core/index.js";
import { readInput, readSecret } from "./io.js";

/**
 * `remote-sign --approver-pub P [--nonce-env VAR]`: the signer's side of remote countersign requests — the
 * evidence verifier (src/attest). Every decision on such a request is recorded in the signer's
 * hash-chained `--audit` log (required with --approver-pub): the `evidence: "verified"` line with the build
 * facts, then the sign/reject line, each before the initiator learns of it.
 */
export interface CountersignOptions {
  approverPub?: string;
  nonceEnv?: string;
  audit?: string;
}

/** The `countersign` verifier option of runSigner (empty without --approver-pub). */
export async function countersignVerifier(o: CountersignOptions) {
  if (o.approverPub === undefined) {
    if (o.nonceEnv !== undefined) throw new SigrunError("USAGE", "--nonce-env requires --approver-pub");
    return {};
  }
  if (o.audit === undefined)
    throw new SigrunError(
      "USAGE",
      "--approver-pub: give --audit LOG too (every countersign decision is logged)",
    );
  const { checkEvidence, parseBuildSecret } = await import("../attest/index.js");
  const { parsePublicKey } = await import("../keys/index.js");
  const approverPub = parsePublicKey(readInput(o.approverPub, "approver public key"), o.approverPub);
  const nonceText = o.nonceEnv !== undefined ? readSecret({ env: o.nonceEnv }, "build nonce") : undefined;
  const nonce = nonceText !== undefined ? parseBuildSecret(nonceText, "mac") : undefined;
  return {
    countersign: (name: string, data: Uint8Array, evidence: Uint8Array) =>
      checkEvidence(evidence, name, data, { approverPub, now: new Date(), ...(nonce ? { nonce } : {}) }),
  };
}
