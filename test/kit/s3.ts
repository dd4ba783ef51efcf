import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A local S3-compatible server for tests: s3rver (npm, devDependency) on 127.0.0.1, a random port and a
 * random bucket, data in a temp dir. Users point sigrun at AWS S3, MinIO, Ceph RGW, R2…
 */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;

export interface TestS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly dir: string;
  /** AWS_* variables for the client. */
  readonly env: NodeJS.ProcessEnv;
  url(prefix: string): string;
  close(): Promise<void>;
}

export async function startTestS3(): Promise<TestS3> {
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverCtor;
  const dir = mkdtempSync(join(tmpdir(), "sigrun-s3rver-"));
  const bucket = `sigrun-test-${randomBytes(4).toString("hex")}`;
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    dir,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_S3: endpoint,
    },
    url: (prefix: string) => `s3://${bucket}/${prefix}`,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
