/**
 * Basic 0x0000 (GBCS 10.2.2: PhysicalEnvironment 0x01, domain.md §9) and Time 0x000A (hub clock, GB
 * TimeStatus 9 = Master | Superseding, domain.md §8). UK daylight saving: last Sunday of March 01:00Z to
 * last Sunday of October 01:00Z, shift 3600 s; the time zone is 0.
 */
import { msToZclUtc } from "../clock.js";
import { type AttributeServer, type ClusterServer, constant } from "./server.js";

export const GB_TIME_STATUS = 0x09;
export const GB_PHYSICAL_ENVIRONMENT = 0x01;

export function basicServer(): ClusterServer {
  const attributes = new Map<number, AttributeServer>([
    [0x0000, constant(0x03)], // ZCL version
    [0x0001, constant(0x01)], // application version
    [0x0003, constant(0x01)], // hardware version
    [0x0004, { get: (env) => env.identity.manufacturerName }],
    [0x0005, { get: (env) => `${env.identity.modelId} ${env.role.toUpperCase()}` }],
    [0x0007, constant(0x01)], // mains, single phase
    [0x0011, constant(GB_PHYSICAL_ENVIRONMENT)],
  ]);
  return { clusterId: 0x0000, attributes, commands: new Map() };
}

/** Last Sunday of `month` (0-based) at 01:00Z. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0, 1));
  return last.getTime() - last.getUTCDay() * 86_400_000;
}

function dst(now: number): { start: number; end: number } {
  const year = new Date(now).getUTCFullYear();
  return { start: lastSunday(year, 2), end: lastSunday(year, 9) };
}

export function timeServer(): ClusterServer {
  const inDst = (now: number) => {
    const d = dst(now);
    return now >= d.start && now < d.end;
  };
  const attributes = new Map<number, AttributeServer>([
    [0x0000, { get: (env) => msToZclUtc(env.now) }],
    [0x0001, constant(GB_TIME_STATUS)],
    [0x0002, constant(0)],
    [0x0003, { get: (env) => msToZclUtc(dst(env.now).start) }],
    [0x0004, { get: (env) => msToZclUtc(dst(env.now).end) }],
    [0x0005, constant(3600)],
    [0x0006, { get: (env) => msToZclUtc(env.now) }],
    [0x0007, { get: (env) => msToZclUtc(env.now) + (inDst(env.now) ? 3600 : 0) }],
    [0x0008, { get: (env) => msToZclUtc(env.identity.startedAt) }],
    [0x0009, constant(0xffffffff)],
  ]);
  return { clusterId: 0x000a, attributes, commands: new Map() };
}
