import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStore, type StoreServerOptions, startStoreServer } from "../../src/store/index.js";

/** A `sigrun store serve` on 127.0.0.1 and a random port, in a fresh temp dir. */
export async function startTestStore(
  opts: Partial<StoreServerOptions> = {},
): Promise<RunningStore & { root: string; cleanup: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), "sigrun-teststore-"));
  const s = await startStoreServer({ dir: join(root, "store"), ...opts }, { port: 0 });
  return {
    ...s,
    root,
    cleanup: async () => {
      await s.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** One HTTP request with exact control of headers; resolves with status, headers and body text. */
export function http(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Uint8Array,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts).toString("utf8"),
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Raw bytes over TCP (for paths node:http would normalise); resolves with the status line. */
export function rawHttp(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(text));
    let got = "";
    s.on("data", (d) => {
      got += d.toString("latin1");
      if (got.includes("\r\n")) {
        resolve(got.slice(0, got.indexOf("\r\n")));
        s.destroy();
      }
    });
    s.on("error", reject);
    s.on("close", () => resolve(got));
  });
}

/** Every file under `dir`, recursively (for leftovers and plaintext searches). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
