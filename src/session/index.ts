export type { CborLimits, CborValue } from "./cbor.js";
export { asArray, asBool, asBytes, asText, asUint, cborDecode, cborEncode } from "./cbor.js";
export type { FrameType, OpenedFrame, Role } from "./channel.js";
export { Channel, DEFAULT_MAX_FRAME_BYTES, FRAME_TYPES, frameHeader, HEADER_BYTES } from "./channel.js";
export { calculateGenerator, cpaceFinish, cpaceStart } from "./cpace.js";
export type { InitiatorHandshake, OpenedJoin, SignerHandshake, SignerSecrets } from "./handshake.js";
export {
  initiatePublicKey,
  initiateSharedSecret,
  kexKeyId,
  openJoin,
  signerKeyIdBytes,
} from "./handshake.js";
export type { JoinPayload, JoinString } from "./join-string.js";
export { decodeJoin, JOIN_CAPS, joinToLine, joinToPem, parseJoinText } from "./join-string.js";
export { parseKexPublicKey } from "./kex-key.js";
export type { SessionKeys } from "./key-schedule.js";
export { checkTag, initiatorConfirmTag } from "./key-schedule.js";
export { x25519Generate, x25519PublicFromRaw, x25519PublicRaw } from "./primitives.js";
export { sasWords } from "./sas.js";
