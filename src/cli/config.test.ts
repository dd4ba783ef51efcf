import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, tempDir } from "../../test/kit/bundle-fixtures.js";

test("config file: defaults for --key and --trust, flags override, config show names the source", () => {
  const t = tempDir("sigrun-config-");
  try {
    const d = (f: string) => join(t.dir, f);
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: d("xdg") };
    delete env.SIGRUN_RELAY;
    const run = (args: string[], e = env) => cli(args, { cwd: t.dir, env: e });
    assert.equal(run(["keygen", "-o", "me", "--no-passphrase"]).code, 0);
    assert.equal(run(["keygen", "-o", "other", "--no-passphrase"]).code, 0);
    writeFileSync(d("a.txt"), "a\n");
    const none = JSON.parse(run(["config", "show", "--json"]).stdout);
    assert.equal(none.file, null);
    assert.ok(none.settings.every((s: { source: string }) => s.source === "unset"));
    mkdirSync(d("xdg/sigrun"), { recursive: true });
    writeFileSync(
      d("xdg/sigrun/config.toml"),
      `# client defaults\nkey = "${d("me.key")}"\ntrust = "${d("me.pub")}"\nrelay = "ws://127.0.0.1:9/"\n`,
    );
    const show = run(["config", "show"]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`key +${d("me.key")} +\\(config ${d("xdg/sigrun/config.toml")}\\)`));
    const envRelay = JSON.parse(
      run(["config", "show", "--json"], { ...env, SIGRUN_RELAY: "ws://x:1/" }).stdout,
    );
    assert.deepEqual(
      envRelay.settings.find((s: { key: string }) => s.key === "relay"),
      { key: "relay", value: "ws://x:1/", source: "environment SIGRUN_RELAY" },
    );
    // --key from the config file; the signature verifies with me.pub
    assert.equal(run(["sign-file", "a.txt", "-q"]).code, 0);
    assert.equal(run(["verify-file", "a.txt", "--sig", "a.txt.sig", "--pub", "me.pub"]).code, 0);
    // --trust from the config file (bundle extract verifies against me.pub)
    writeFileSync(d("s.rhai"), "1\n");
    writeFileSync(d("p.cedar"), "permit (principal, action, resource);\n");
    assert.equal(run(["bundle", "create", "-s", "s.rhai", "-p", "p.cedar", "-o", "j.sgb"]).code, 0);
    assert.equal(run(["bundle", "sign", "j.sgb", "-q"]).code, 0);
    const ex = run(["bundle", "extract", "j.sgb", "-o", "jx"]);
    assert.equal(ex.code, 0, ex.stderr);
    assert.equal(run(["verify", "j.sgb"]).code, 0);
    assert.equal(run(["verify", "j.sgb", "--trust", "other.pub"]).code, 13, "the flag wins");
    // the flag overrides the file
    assert.equal(run(["sign-file", "a.txt", "--key", "other.key", "-o", "o.sig", "-q"]).code, 0);
    assert.equal(run(["verify-file", "a.txt", "--sig", "o.sig", "--pub", "other.pub"]).code, 0);
    // a bad config file is a one-line coded error
    writeFileSync(d("xdg/sigrun/config.toml"), 'keyy = "x"\n');
    const bad = run(["sign-file", "a.txt", "-o", "b.sig"]);
    assert.equal(bad.code, 27, bad.stderr);
    assert.match(bad.stderr, /unknown setting "keyy"/);
    writeFileSync(d("xdg/sigrun/config.json"), "{}");
    assert.equal(run(["config", "show"]).code, 2, "both files: ambiguous");
  } finally {
    t.cleanup();
  }
});

test("config file: the agent URL is the default --to of jobs too, unless --to or --state is given", () => {
  const t = tempDir("sigrun-config-jobs-");
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: join(t.dir, "xdg") };
    mkdirSync(join(t.dir, "xdg/sigrun"), { recursive: true });
    writeFileSync(join(t.dir, "xdg/sigrun/config.json"), `{"agent": "http://127.0.0.1:1"}`);
    const list = cli(["jobs", "list"], { cwd: t.dir, env });
    assert.match(list.stderr, /^sigrun: TRANSPORT_ERROR: .*127\.0\.0\.1:1/, list.stderr);
    const state = cli(["jobs", "list", "--state", join(t.dir, "missing")], { cwd: t.dir, env });
    assert.doesNotMatch(state.stderr, /USAGE|127\.0\.0\.1:1/, state.stderr);
  } finally {
    t.cleanup();
  }
});
