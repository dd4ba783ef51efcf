/** Size and count caps for bundle parsing. Defaults in one place; callers may lower or raise them. */
export interface BundleCaps {
  /** Largest archive accepted, after decompression for tar.gz (bytes). */
  readonly maxArchiveBytes: number;
  /** Most entries in an archive (files + manifest + signatures). */
  readonly maxEntries: number;
  /** Largest manifest.json or signatures.dsse.json (bytes). */
  readonly maxMetadataBytes: number;
  /** Most signatures in one envelope. */
  readonly maxSignatures: number;
  /** Most targets in a manifest. */
  readonly maxTargets: number;
}

export const DEFAULT_BUNDLE_CAPS: BundleCaps = {
  maxArchiveBytes: 256 * 1024 * 1024,
  maxEntries: 1026,
  maxMetadataBytes: 1024 * 1024,
  maxSignatures: 16,
  maxTargets: 64,
};

export function bundleCaps(overrides?: Partial<BundleCaps>): BundleCaps {
  return { ...DEFAULT_BUNDLE_CAPS, ...overrides };
}
