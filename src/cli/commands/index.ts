import type { Command } from "commander";
import { register as agent } from "./agent.js";
import { register as attest } from "./attest.js";
import { register as audit } from "./audit.js";
import { register as buildKey } from "./build-key.js";
import { register as bundle } from "./bundle.js";
import { register as completion } from "./completion.js";
import { register as config } from "./config.js";
import { register as countersign } from "./countersign.js";
import { register as demo } from "./demo.js";
import { register as execute } from "./execute.js";
import { register as fleet } from "./fleet.js";
import { register as host } from "./host.js";
import { register as jobs } from "./jobs.js";
import { register as key } from "./key.js";
import { register as keygen } from "./keygen.js";
import { register as receipt } from "./receipt.js";
import { register as relay } from "./relay.js";
import { register as remoteSign } from "./remote-sign.js";
import { register as rhai } from "./rhai.js";
import { register as run } from "./run.js";
import { register as seal } from "./seal.js";
import { register as secret } from "./secret.js";
import { register as sign } from "./sign.js";
import { register as signFile } from "./sign-file.js";
import { register as store } from "./store.js";
import { register as submit } from "./submit.js";
import { register as trust } from "./trust.js";
import { register as unseal } from "./unseal.js";
import { register as verify } from "./verify.js";
import { register as verifyFile } from "./verify-file.js";

/** Every verb registers itself here; keep the list sorted. One file per verb in this folder. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  agent,
  attest,
  audit,
  buildKey,
  bundle,
  completion,
  config,
  countersign,
  demo,
  execute,
  fleet,
  host,
  jobs,
  key,
  keygen,
  receipt,
  relay,
  remoteSign,
  rhai,
  run,
  seal,
  secret,
  sign,
  signFile,
  store,
  submit,
  trust,
  unseal,
  verify,
  verifyFile,
];
