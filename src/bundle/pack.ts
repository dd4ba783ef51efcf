import { randomBytes } from "node:crypto";
import { sha256Hex } from "../core/digest.js";
import { formatTime } from "../core/duration.js";
import { SigrunError } from "../core/errors.js";
import { type BundleCaps, DEFAULT_BUNDLE_CAPS } from "./caps.js";
import {
  type DsseEnvelope,
  encodeEnvelope,
  MANIFEST_PAYLOAD_TYPE,
  newEnvelope,
  parseEnvelope,
} from "./dsse.js";
import {
  encodeManifest,
  MANIFEST_VERSION,
  type Manifest,
  type ManifestLimits,
  parseManifest,
} from "./manifest.js";
import { assertBundlePath, MANIFEST_NAME, SIGNATURES_NAME } from "./paths.js";
import { readCanonicalTar, type TarEntry, writeTar } from "./tar.js";

export interface BundleInput {
  /** Bundle path → content. Must contain `entry` and `policy`. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly entry: string;
  readonly policy: string;
  readonly targets?: readonly string[];
  /** Milliseconds since the epoch. */
  readonly created: number;
  /** Validity period in milliseconds from `created`. */
  readonly validForMs: number;
  readonly limits?: ManifestLimits;
  /** 16 bytes; random when omitted. */
  readonly id?: Uint8Array;
}

/** The parsed structure of a `.sgb`, before any trust decision. */
export interface ParsedBundle {
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  readonly envelope: DsseEnvelope;
  /** Bundle path → content, for every file of the manifest (digests not yet checked). */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** Kept for `sigrun/bundle` callers: the one SHA-256 helper lives in core. */
export { sha256Hex };

/** Builds an unsigned `.sgb`: manifest.json, the files sorted by path, an envelope with no signatures. */
export function createBundle(input: BundleInput): Uint8Array {
  const paths = [...input.files.keys()].sort();
  for (const p of paths) assertBundlePath(p, "file");
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    id: Buffer.from(input.id ?? randomBytes(16)).toString("hex"),
    created: formatTime(input.created),
    notAfter: formatTime(input.created + input.validForMs),
    targets: [...(input.targets ?? [])],
    entry: input.entry,
    policy: input.policy,
    files: paths.map((path) => {
      const data = input.files.get(path)!;
      return { path, size: data.byteLength, sha256: sha256Hex(data) };
    }),
    ...(input.limits ? { limits: input.limits } : {}),
  };
  if (!input.files.has(input.entry))
    throw new SigrunError("INPUT_INVALID", `entry ${input.entry} is not among the files`);
  if (!input.files.has(input.policy))
    throw new SigrunError("INPUT_INVALID", `policy ${input.policy} is not among the files`);
  const manifestBytes = encodeManifest(manifest);
  // what every reader will check (targets, limits, sizes): refused here, not by the agent after signing
  try {
    parseManifest(manifestBytes, DEFAULT_BUNDLE_CAPS);
  } catch (err) {
    if (err instanceof SigrunError && err.code === "BUNDLE_MALFORMED")
      throw new SigrunError("INPUT_INVALID", err.message, { cause: err });
    throw err;
  }
  return assembleBundle(
    manifestBytes,
    newEnvelope(MANIFEST_PAYLOAD_TYPE, manifestBytes),
    paths.map((p) => ({ name: p, data: input.files.get(p)! })),
  );
}

export function assembleBundle(
  manifestBytes: Uint8Array,
  envelope: DsseEnvelope,
  files: readonly TarEntry[],
): Uint8Array {
  return writeTar([
    { name: MANIFEST_NAME, data: manifestBytes },
    ...files,
    { name: SIGNATURES_NAME, data: encodeEnvelope(envelope) },
  ]);
}

/**
 * Parses a `.sgb` in memory: canonical archive, manifest first, signatures last, exactly the manifest's
 * files in between (no extra, none missing). Digests and signatures are checked by `verifyBundle`.
 */
export function parseBundle(bytes: Uint8Array, caps: BundleCaps): ParsedBundle {
  checkArchiveSize(bytes.byteLength, caps);
  const { body, ...layout } = bundleLayout(readCanonicalTar(bytes, caps.maxEntries), caps);
  return { ...layout, files: new Map(body.map((e) => [e.name, e.data])) };
}

export function checkArchiveSize(size: number, caps: BundleCaps): void {
  if (size > caps.maxArchiveBytes) {
    throw new SigrunError("BUNDLE_MALFORMED", `archive: larger than ${caps.maxArchiveBytes} bytes`);
  }
}

/** A `.sgb`'s parsed metadata and its file entries, in archive (= manifest) order. */
export interface BundleLayout<E> {
  readonly manifest: Manifest;
  readonly manifestBytes: Uint8Array;
  readonly envelope: DsseEnvelope;
  readonly body: readonly E[];
}

/**
 * The checks of `parseBundle` after the archive is read, on its entries in order, whose first and last
 * carry their bytes (`data`): in memory, or scanned from a file (`scanCanonicalTar`).
 */
export function bundleLayout<E extends { readonly name: string; readonly data?: Uint8Array }>(
  entries: readonly E[],
  caps: BundleCaps,
): BundleLayout<E> {
  if (
    entries.length < 3 ||
    entries[0]!.name !== MANIFEST_NAME ||
    entries[entries.length - 1]!.name !== SIGNATURES_NAME
  ) {
    throw new SigrunError(
      "BUNDLE_MALFORMED",
      `archive: expected ${MANIFEST_NAME} first and ${SIGNATURES_NAME} last`,
    );
  }
  const manifestBytes = entries[0]!.data!;
  const envelope = parseEnvelope(
    entries[entries.length - 1]!.data!,
    caps.maxMetadataBytes,
    caps.maxSignatures,
  );
  const manifest = parseManifest(manifestBytes, caps);
  const body = entries.slice(1, -1);
  for (const e of body) assertBundlePath(e.name, "archive entry");
  const listed = manifest.files.map((f) => f.path);
  if (body.length !== listed.length || body.some((e, i) => e.name !== listed[i])) {
    const extra = body.find((e) => !listed.includes(e.name));
    throw new SigrunError(
      "BUNDLE_MALFORMED",
      extra
        ? `archive: file ${JSON.stringify(extra.name)} is not in the manifest`
        : "archive: files do not match the manifest",
    );
  }
  return { manifest, manifestBytes, envelope, body };
}
