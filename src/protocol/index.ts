export type { ClientMessage, RelayLimitsInfo, RelayRole, ServerMessage } from "./messages.js";
export {
  encodeMessage,
  parseClientMessage,
  parseServerMessage,
  RELAY_PROTOCOL_VERSION,
  RELAY_WIRE_CAPS,
  RESUME_TOKEN_RE,
  SESSION_ID_RE,
} from "./messages.js";
export { sanitizeRelayText } from "./sanitize.js";
