import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fromHex, toHex } from "../core/index.js";
import {
  calculateGenerator,
  cpaceFinish,
  cpaceStart,
  generatorString,
  isk,
  scalarMult,
  scalarMultVfy,
  transcriptIr,
} from "./cpace.js";
import { lvCat, prependLen, sha512 } from "./primitives.js";

const V = JSON.parse(readFileSync("vectors/session/cpace-ristretto255-sha512.json", "utf8")) as Record<
  string,
  string
>;
const h = (k: string) => fromHex(V[k]!);

test("cpace: string utilities match the draft", () => {
  assert.equal(toHex(prependLen(new Uint8Array())), "00");
  assert.equal(toHex(prependLen(fromHex("31323334"))), "0431323334");
  const big = Uint8Array.from({ length: 128 }, (_, i) => i);
  assert.equal(toHex(prependLen(big)).slice(0, 6), "800100");
  const e = new TextEncoder();
  assert.equal(
    toHex(lvCat(e.encode("1234"), e.encode("5"), e.encode(""), e.encode("678"))),
    V.lv_cat_1234_5_empty_678,
  );
});

test("cpace: generator, shares, K and ISK match the draft's ristretto255/SHA-512 vectors", () => {
  const prs = h("PRS");
  const ci = h("CI");
  const sid = h("sid");
  assert.equal(toHex(generatorString(prs, ci, sid)), V.generator_string);
  assert.equal(toHex(sha512(generatorString(prs, ci, sid))), V.hash_result);
  const g = calculateGenerator(prs, ci, sid);
  assert.equal(toHex(g.toBytes()), V.g);
  assert.equal(toHex(scalarMult(h("ya"), g)), V.Ya);
  assert.equal(toHex(scalarMult(h("yb"), g)), V.Yb);
  assert.equal(toHex(scalarMultVfy(h("ya"), h("Yb"))!), V.K);
  assert.equal(toHex(scalarMultVfy(h("yb"), h("Ya"))!), V.K);
  const tr = transcriptIr(h("Ya"), h("ADa"), h("Yb"), h("ADb"));
  assert.equal(toHex(tr), V.transcript_ir);
  assert.equal(toHex(isk(sid, h("K"), tr)), V.ISK_IR);
  const inputs = { prs, ci, sid };
  const a = cpaceStart(inputs, h("ya"));
  assert.equal(toHex(a.share), V.Ya);
  const iskA = cpaceFinish(inputs, h("ya"), h("Yb"), h("Ya"), h("ADa"), h("Yb"), h("ADb"));
  assert.equal(toHex(iskA), V.ISK_IR);
});

test("cpace: identity and undecodable shares are rejected", () => {
  const zero = new Uint8Array(32);
  assert.equal(scalarMultVfy(h("ya"), zero), undefined);
  const bad = new Uint8Array(32).fill(0xff);
  assert.equal(scalarMultVfy(h("ya"), bad), undefined);
  const inputs = { prs: h("PRS"), ci: h("CI"), sid: h("sid") };
  assert.throws(
    () => cpaceFinish(inputs, h("ya"), zero, h("Ya"), h("ADa"), zero, h("ADb")),
    (e: { code?: string }) => e.code === "HANDSHAKE_FAILED",
  );
});

test("cpace: two fresh parties agree; a different password disagrees", () => {
  const e = new TextEncoder();
  const mk = (pw: string) => ({ prs: e.encode(pw), ci: e.encode("ci"), sid: e.encode("sid-0123456789") });
  const A = cpaceStart(mk("right"));
  const B = cpaceStart(mk("right"));
  const B2 = cpaceStart(mk("wrong"));
  const ad = [e.encode("a"), e.encode("b")] as const;
  const ka = cpaceFinish(mk("right"), A.scalar, B.share, A.share, ad[0], B.share, ad[1]);
  const kb = cpaceFinish(mk("right"), B.scalar, A.share, A.share, ad[0], B.share, ad[1]);
  assert.deepEqual(ka, kb);
  const kb2 = cpaceFinish(mk("wrong"), B2.scalar, A.share, A.share, ad[0], B2.share, ad[1]);
  const ka2 = cpaceFinish(mk("right"), A.scalar, B2.share, A.share, ad[0], B2.share, ad[1]);
  assert.notDeepEqual(ka2, kb2);
});
