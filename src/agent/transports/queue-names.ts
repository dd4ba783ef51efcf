// The names a fleet shares on a queue server: the NATS subject / Redis key prefix and the JetStream stream.
// One check for the agent's flags and config and the clients' flags (submit, fleet ls).
import { SigrunError } from "../../core/index.js";

const PREFIX_RE = /^[A-Za-z0-9_-]+(?:[.:][A-Za-z0-9_-]+)*$/;
const STREAM_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a queue prefix (`--prefix`, config `nats.subjectPrefix`/`redis.prefix`): tokens of letters,
 * digits, `_` and `-` joined by `.` or `:`, at most 64 characters — never a NATS wildcard (`*`, `>`), an
 * empty subject token or a Redis glob character.
 */
export function checkQueuePrefix(prefix: string, what: string): string {
  if (prefix.length > 64 || !PREFIX_RE.test(prefix))
    throw new SigrunError(
      "USAGE",
      `${what}: expected letters, digits, _ and - in tokens joined by . or : (at most 64 characters), got ${JSON.stringify(prefix.slice(0, 80))}`,
    );
  return prefix;
}

/** Checks a JetStream stream name (`--nats-stream`, config `nats.stream`). */
export function checkNatsStream(stream: string, what: string): string {
  if (!STREAM_RE.test(stream))
    throw new SigrunError(
      "USAGE",
      `${what}: expected 1 to 64 letters, digits, _ or -, got ${JSON.stringify(stream.slice(0, 80))}`,
    );
  return stream;
}
