import assert from "node:assert/strict";
import { test } from "node:test";
import { describeRequest } from "../../src/signing/index.js";

/**
 * Attack (a variant of issue 14 item 10, review display spoofing): long runs of blank lines are collapsed
 * into one marker, but only lines of whitespace count as blank. Lines of invisible filler characters —
 * braille pattern blank U+2800, Hangul fillers U+3164/U+115F/U+1160/U+FFA0, Khmer inherent vowels
 * U+17B4/U+17B5, combining grapheme joiner U+034F — look just as empty, so 300 of them still pushed the
 * real end of a script out of the signer's view. They must be shown (escaped), so a line of them is not
 * blank, or collapsed: either way no long run of rows that look empty.
 */
const FILLERS = ["\u2800", "\u3164", "\u115f\u1160", "\uffa0", "\u17b4\u17b5", "\u034f", "\u2800 \u3164"];
/** What a terminal shows as nothing (whitespace and the fillers above). */
const LOOKS_EMPTY = /^(?:\s|\u2800|\u3164|\u115f|\u1160|\uffa0|\u17b4|\u17b5|\u034f)*$/u;

for (const filler of FILLERS) {
  test(`review-invisible-filler-lines: 300 lines of ${JSON.stringify(filler)} do not show as 300 empty rows`, () => {
    const script = `let x = 1;\n${`${filler}\n`.repeat(300)}run("rm -rf /srv/data");\n`;
    const text = describeRequest({
      reqId: 1,
      kind: "file",
      name: "job",
      size: script.length,
      sha256: "00",
      format: "raw",
      context: "",
      content: {
        kind: "classic-bundle",
        description: "classic sigrun bundle",
        executes: true,
        policy: { path: "policy.cedar", text: "permit (principal, action, resource);\n" },
        script: { path: "script.rhai", text: script },
      },
    });
    let run = 0;
    let longest = 0;
    for (const row of text.split("\n")) {
      const content = row.replace(/^\s*\d*\s*[│┆] ?/, "");
      run = LOOKS_EMPTY.test(content) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    assert.ok(longest <= 3, `${longest} consecutive rows look empty`);
    assert.match(text, /^\s*302 │ run\("rm -rf \/srv\/data"\);$/m, "the last line keeps its real number");
  });
}
