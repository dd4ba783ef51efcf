import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProgress, formatBytes, progressWanted, renderProgress } from "./index.js";

describe("progress", () => {
  it("renders bytes, rate, percentage and ETA", () => {
    const line = renderProgress("seal", 512 * 1024 * 1024, 1024 * 1024 * 1024, 1000);
    assert.match(line, /^seal \[#{10}-{10}\] {2}50% 512\.0 MiB \/ 1\.0 GiB 512\.0 MiB\/s ETA 1s$/);
    assert.equal(renderProgress("get", 2048, undefined, 1000), "get 2.0 KiB 2.0 KiB/s");
    assert.equal(formatBytes(5), "5 B");
  });

  it("is wanted only on a TTY without --json, --quiet or NO_COLOR", () => {
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      assert.equal(progressWanted({}, { isTTY: true }), true);
      assert.equal(progressWanted({}, { isTTY: false }), false);
      assert.equal(progressWanted({ json: true }, { isTTY: true }), false);
      assert.equal(progressWanted({ quiet: true }, { isTTY: true }), false);
      process.env.NO_COLOR = "1";
      assert.equal(progressWanted({}, { isTTY: true }), false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  it("draws only past minBytes, throttles, and clears on done; disabled draws nothing", () => {
    const writes: string[] = [];
    const stream = { write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WritableStream;
    let t = 0;
    const p = createProgress({ label: "x", enabled: true, stream, minBytes: 100, now: () => t });
    p.update(50);
    assert.equal(writes.length, 0);
    t = 10;
    p.update(150);
    t = 50;
    p.update(160);
    t = 300;
    p.update(170);
    p.done();
    assert.equal(writes.length, 3);
    assert.equal(writes[2], "\r\x1b[K");
    const off = createProgress({ label: "x", enabled: false, stream, minBytes: 0 });
    off.update(1e9);
    off.done();
    assert.equal(writes.length, 3);
  });
});
