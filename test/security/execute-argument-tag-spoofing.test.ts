import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { argumentsEntity } from "../../src/host/index.js";
import { runScript } from "../../src/runner/index.js";

// Attack: execute's arguments are exposed to Cedar as tags of one Arguments entity: `$ARG<i>` for the
// i-th positional argument, the name for a `[key, value]` pair, `"true"` for each positional value. A
// pair named `$ARG0` overwrote the positional tag, so a policy allowing `/usr/bin/ls` only when
// `$ARG0` is under a public directory ran `ls` on a secret one. Rex builds its entity the same way
// (tags are a list of pairs that Cedar collects into a map: the last one wins). sigrun refuses every
// argument list in which two arguments would produce the same tag: generated positional tags and
// argument names live in namespaces that cannot collide.

const root = realpathSync(mkdtempSync(join(tmpdir(), "sigrun-argtag-")));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "pub"));
mkdirSync(join(root, "secret"));
writeFileSync(join(root, "secret", "PRIVATE_KEY"), "");
writeFileSync(join(root, "pub", "readme"), "");

const policy = `
permit(principal, action in [file_system::Action::"open", file_system::Action::"read"], resource in file_system::Dir::"/usr/bin");
permit(principal, action == file_system::Action::"execute", resource == file_system::File::"/usr/bin/ls")
  when { context.arguments.hasTag("$ARG0") && context.arguments.getTag("$ARG0") like "${root}/pub*" };
`;
const ls = (args: string) =>
  `let f = DirConfig().path("/usr/bin").build().open(OpenDirOptions().build()).open_file("ls", OpenFileOptions().read(true).build());
   f.execute(ExecuteOptions().args(${args}).build()).stdout`;

test("a [key, value] pair named $ARG0 cannot overwrite the positional tag", async () => {
  for (const args of [
    `["${root}/secret", ["$ARG0", "${root}/pub"]]`,
    `[["$ARG0", "${root}/pub"], "${root}/secret"]`,
  ]) {
    const out = await runScript({ script: ls(args), policy, monitoring: false });
    assert.ok(!out.output.includes("PRIVATE_KEY"), `ls ran on the secret dir with ${args}`);
    assert.equal(out.status, "ERROR", args);
  }
});

test("the legitimate call still works", async () => {
  const out = await runScript({ script: ls(`["${root}/pub"]`), policy, monitoring: false });
  assert.equal(out.status, "SUCCESS", JSON.stringify(out.error));
  assert.match(out.output, /readme/);
});

test("no two arguments may produce the same tag (entity level)", () => {
  const collide: Array<Array<string | [string, string]>> = [
    ["/secret", ["$ARG0", "/pub"]], // a name in the positional namespace
    [["$ARG1", "x"]],
    ["$ARG0"], // a positional value spelled like a generated tag (its own tag would be "$ARG0")
    ["--out", ["--out", "/tmp/x"]], // flag tag "true" vs pair value
    [
      ["--exclude", "a"],
      ["--exclude", "b"],
    ], // one tag, two values: a policy would see only one of them
  ];
  for (const args of collide) {
    assert.throws(() => argumentsEntity(args), /argument/i, JSON.stringify(args));
  }
  // repeated flags produce the same tag with the same value ("true"): allowed
  const e = argumentsEntity(["-v", "-v", "/pub", ["--sort", "time"]]);
  assert.deepEqual(
    { ...e.tags },
    {
      $ARG0: "-v",
      "-v": "true",
      $ARG1: "-v",
      $ARG2: "/pub",
      "/pub": "true",
      "--sort": "time",
    },
  );
});
