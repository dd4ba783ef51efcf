export { ecdsaDerToRs, ecdsaP1363ToDer, ecdsaRsToDer } from "./ecdsa-der.js";
export { fileSigner } from "./file-signer.js";
export { type KeyFingerprints, keyFingerprints } from "./fingerprints.js";
export type { GeneratedKey, KeygenType } from "./generate.js";
export { generateKey, KEYGEN_TYPES, privateKeyPem, publicKeyPem } from "./generate.js";
export { describeKeyFile, type KeyFileFacts } from "./key-file.js";
export { keyIdFromSpki, shortKeyId } from "./key-id.js";
export { type LoadSignerOptions, loadSigner } from "./load-signer.js";
export {
  isOpenPgpPublicKey,
  OPENPGP_KEY_CREATED,
  openPgpCertPrimaryKey,
  openPgpKeyFacts,
  openPgpPublicKey,
  openPgpSign,
  openPgpVerifyWithCert,
  openPgpVerifyWithKey,
} from "./openpgp.js";
export {
  openSshPublicKeyLine,
  parseOpenSshPublicKey,
  parseSshPublicBlob,
  sshPublicBlob,
} from "./openssh-public.js";
export { type ClosableSigner, type Pkcs11SignerOptions, pkcs11Signer } from "./pkcs11-signer.js";
export { isPkcs11Uri, type Pkcs11Uri, parsePkcs11Uri } from "./pkcs11-uri.js";
export { parsePrivateKey, publicFromPrivate } from "./private-key.js";
export { algorithmOf, parsePublicKey, publicKeyInfo } from "./public-key.js";
export { rawSign, rawVerify } from "./raw-signature.js";
export {
  DEFAULT_SSH_NAMESPACE,
  detectSignatureFormat,
  parseSignatureFormat,
  SIGNATURE_FORMATS,
  type SignatureFormat,
  type SignFileOptions,
  signFile,
  type VerifyDetachedOptions,
  type VerifyDetachedResult,
  verifyDetached,
} from "./signature-formats.js";
export { type ParsedSshsig, parseSshsig, sshsigSign, sshsigVerify } from "./sshsig.js";
export type { KeyAlgorithm, PublicKeyInfo, Signer } from "./types.js";
