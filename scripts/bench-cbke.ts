/**
 * CPU cost of the CBKE cryptography (src/crypto): one responder's whole computation for suite 2 (and suite 1),
 * and the scalar multiplications it is made of. The responder's work, from the Annex C.6 initiator's
 * certificate and ephemeral point: reconstruct the initiator's static key (ECQV), draw its own ephemeral key,
 * ECMQV Z, the KDF, MACU and MACV. And one whole key establishment as a virtual run does it: the test CA issues
 * the device its certificate (ECQV issuance), then both sides draw their ephemeral keys and make their whole
 * computation (the hub's certificate issued once beforehand, as a run does). CPU time is process.cpuUsage
 * (user + system) per operation, after a warm-up.
 *
 *   npx tsx scripts/bench-cbke.ts [--rounds N]
 *
 * Goal: ≤ 50 ms CPU per responder computation for suite 2.
 */
import { parseArgs } from "node:util";
import { ephemeralKey, sessionKeys } from "../src/crypto/cbke.js";
import { makeTestCa } from "../src/crypto/pki.js";
import { SUITE1, SUITE2, type CbkeSuite } from "../src/crypto/suite.js";
import { randomScalar } from "../src/crypto/scalar.js";
import { ANNEX_SUITE1, ANNEX_SUITE2, type AnnexVectors } from "../test/crypto/annex-vectors.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "50" } } });
const ROUNDS = Number(values.rounds);
const hex = (s: string) => Buffer.from(s, "hex");

/** Milliseconds of CPU per call of `fn`, over `rounds` calls after `rounds / 5` warm-up calls. */
function cpuMs(rounds: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.max(2, rounds / 5); i++) fn(i);
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i++) fn(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / rounds;
}

function responder(suite: CbkeSuite, v: AnnexVectors): void {
  const eph = ephemeralKey(suite);
  sessionKeys({
    suite,
    role: "responder",
    staticPrivate: BigInt(`0x${v.dV}`),
    ephemeral: eph,
    partnerCert: hex(v.certU),
    caPublic: hex(v.caPublic),
    partnerEphemeral: hex(v.qeU),
    ownIeee: hex(v.ieeeV),
    partnerIeee: hex(v.ieeeU),
  });
}

const ca = makeTestCa();
const hubIeee = hex("0011223344556677");
const hub = ca.issue(hubIeee);
let device = 0;

/** Issuing a device's certificate, then both sides of the exchange; throws if the two sides disagree. */
function wholeExchange(): void {
  const deviceIeee = Buffer.alloc(8);
  deviceIeee.writeUInt32BE(++device, 4);
  const dev = ca.issue(deviceIeee);
  const suite = SUITE2;
  const ephU = ephemeralKey(suite);
  const ephV = ephemeralKey(suite);
  const u = sessionKeys({
    suite,
    role: "initiator",
    staticPrivate: dev.own.privateKey,
    ephemeral: ephU,
    partnerCert: hub.own.cert,
    caPublic: ca.trusted.publicKey,
    partnerEphemeral: ephV.encoded,
    ownIeee: deviceIeee,
    partnerIeee: hubIeee,
  });
  const v = sessionKeys({
    suite,
    role: "responder",
    staticPrivate: hub.own.privateKey,
    ephemeral: ephV,
    partnerCert: dev.own.cert,
    caPublic: ca.trusted.publicKey,
    partnerEphemeral: ephU.encoded,
    ownIeee: hubIeee,
    partnerIeee: deviceIeee,
  });
  if (!u.keyData.equals(v.keyData)) throw new Error("the two sides derived different keys");
}

const f = (ms: number) => ms.toFixed(2).padStart(7);
console.log(`CBKE CPU per operation (${ROUNDS} rounds after warm-up; Node ${process.version})`);
for (const [suite, v] of [
  [SUITE2, ANNEX_SUITE2],
  [SUITE1, ANNEX_SUITE1],
] as const) {
  const c = suite.curve;
  const scalars = Array.from({ length: ROUNDS * 2 }, () => randomScalar(c.n));
  const P = c.decode(hex(v.qeU));
  const point = c.decode(hex(v.qU));
  console.log(`${suite.name}`);
  if (suite === SUITE2) {
    console.log(`  whole exchange (issue + U + V)  ${f(cpuMs(ROUNDS, () => wholeExchange()))} ms`);
  }
  console.log(`  responder computation           ${f(cpuMs(ROUNDS, () => responder(suite, v)))} ms`);
  console.log(`  k·G (fixed base, τ-NAF 8)       ${f(cpuMs(ROUNDS, (i) => c.mulG(scalars[i]!)))} ms`);
  console.log(`  k·P (any point, τ-NAF 5)        ${f(cpuMs(ROUNDS, (i) => c.mul(scalars[i]!, P)))} ms`);
  console.log(`  point decompression             ${f(cpuMs(ROUNDS, () => c.decode(hex(v.qU))))} ms`);
  console.log(`  P + Q (affine, one inversion)   ${f(cpuMs(ROUNDS, () => c.add(P, point)))} ms`);
  const a = P.x;
  const b = point.x;
  console.log(`  field multiplication            ${f(cpuMs(ROUNDS * 1000, () => c.F.mul(a, b)) * 1000)} µs`);
  console.log(`  field squaring                  ${f(cpuMs(ROUNDS * 1000, () => c.F.sqr(a)) * 1000)} µs`);
  console.log(`  field inversion                 ${f(cpuMs(ROUNDS * 10, () => c.F.inv(a)) * 1000)} µs`);
}
