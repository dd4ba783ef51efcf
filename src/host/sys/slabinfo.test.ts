import assert from "node:assert/strict";
import { test } from "node:test";
import {
  parseSlabinfo,
  slabActiveSizeKb,
  slabCacheSizeKb,
  slabSummaryText,
  slabUsePercent,
} from "./slabinfo.js";

const HEADER = `slabinfo - version: 2.1
# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
`;
const SLAB = `${HEADER}small              80    100     64   64    1 : tunables    0    0    0 : slabdata      2      2      0
big                 4      8   4096    8    8 : tunables    0    0    0 : slabdata      1      1      0
empty               0     16    256   16    1 : tunables    0    0    0 : slabdata      0      1      0
`;

test("slab_info: entries sorted by objs, Rex's derived values", () => {
  const s = parseSlabinfo(SLAB);
  assert.deepEqual(
    s.slabs.map((e) => e.name),
    ["small", "empty", "big"],
  );
  const small = s.slabs[0]!;
  assert.deepEqual(
    [small.objs, small.active, small.obj_size_bytes, small.slabs, small.obj_per_slab, small.pages_per_slab],
    [100, 80, 64, 2, 64, 1],
  );
  assert.equal(slabUsePercent(small), 80);
  assert.equal(slabCacheSizeKb(small), 8); // 2 slabs × 1 page × 4 KiB
  assert.equal(slabActiveSizeKb(small), 6.4);
  assert.equal(slabUsePercent(s.slabs[1]!), 0);
});

test("slab_info: summary = slabtop's header", () => {
  const { summary: m } = parseSlabinfo(SLAB);
  assert.deepEqual([m.active_objects, m.total_objects, m.active_slabs, m.total_slabs], [84, 124, 3, 4]);
  assert.deepEqual([m.active_caches, m.total_caches], [2, 3]);
  assert.equal(m.active_size_kb, (80 * 64 + 4 * 4096) / 1024); // 21
  assert.equal(m.total_size_kb, (100 * 64 + 8 * 4096 + 16 * 256) / 1024); // 42.25
  assert.equal(m.min_obj_size_kb, 0.0625);
  assert.equal(m.max_obj_size_kb, 4);
  assert.equal(
    slabSummaryText(m),
    [
      "Active / Total Objects (% used)    : 84 / 124 (67.7%)",
      "Active / Total Slabs (% used)      : 3 / 4 (75.0%)",
      "Active / Total Caches (% used)     : 2 / 3 (66.7%)",
      "Active / Total Size (% used)       : 21.00K / 42K (49.7%)",
      "Minimum / Average / Maximum Object : 0.06K / 0.34K / 4.00K", // 43,264 B / 124 objects
    ].join("\n"),
  );
});

test("slab_info: other versions, missing columns and empty tables are Rex's errors", () => {
  assert.throws(
    () => parseSlabinfo(SLAB.replace("version: 2.1", "version: 2.0")),
    /This version 2\.0 of slabinfo is not supported/,
  );
  assert.throws(() => parseSlabinfo(`${HEADER}short 1 2\n`), /Missing objsize field for slab: short/);
  assert.throws(() => parseSlabinfo(HEADER), /No slab entries found/);
  assert.throws(() => parseSlabinfo(""), /Missing version line|Unable to parse version/);
});
