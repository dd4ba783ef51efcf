/** Structured log line sink. The relay never passes payloads, tokens or contexts here. */
export type RelayLogger = (event: string, fields?: Record<string, string | number | boolean>) => void;

/** JSON lines on a writable (stderr by default). */
export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): RelayLogger {
  return (event, fields) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
}

export const silentLogger: RelayLogger = () => {};
