export { fileSigner } from "./file-signer.js";
export type { GeneratedKey, KeygenType } from "./generate.js";
export { generateKey, KEYGEN_TYPES, privateKeyPem, publicKeyPem } from "./generate.js";
export { keyIdFromSpki, shortKeyId } from "./key-id.js";
export {
  openSshPublicKeyLine,
  parseOpenSshPublicKey,
  parseSshPublicBlob,
  sshPublicBlob,
} from "./openssh-public.js";
export { parsePrivateKey, publicFromPrivate } from "./private-key.js";
export { algorithmOf, parsePublicKey, publicKeyInfo } from "./public-key.js";
export { rawSign, rawVerify } from "./raw-signature.js";
export type { KeyAlgorithm, PublicKeyInfo, Signer } from "./types.js";
