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
export type { RelayClientOptions, RelayEvent, RelaySessionInfo, RelayWelcome } from "./relay-client.js";
export { connectRelay, RelayClient } from "./relay-client.js";
export { sanitizeRelayText } from "./sanitize.js";
