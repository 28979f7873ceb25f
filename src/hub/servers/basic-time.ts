/**
 * Basic 0x0000 (GBCS 10.2.2: PhysicalEnvironment 0x01, domain.md §9) and Time 0x000A (hub clock, GB
 * TimeStatus 9 = Master | Superseding, domain.md §8). UK daylight saving: last Sunday of March 01:00Z to
 * last Sunday of October 01:00Z, shift 3600 s; the time zone is 0.
 */
import { msToZclUtc } from "../clock.js";
import { ClusterId } from "../../zcl/index.js";
import { type ClusterServer, clusterServer, constant } from "./server.js";

const GB_TIME_STATUS = 0x09;
const GB_PHYSICAL_ENVIRONMENT = 0x01;

export function basicServer(): ClusterServer {
  return clusterServer(ClusterId.basic, {
    attributes: {
      zclVersion: constant(0x03),
      appVersion: constant(0x01),
      hwVersion: constant(0x01),
      manufacturerName: { get: (env) => env.identity.manufacturerName },
      modelId: { get: (env) => `${env.identity.modelId} ${env.role.toUpperCase()}` },
      powerSource: constant(0x01), // mains, single phase
      physicalEnv: constant(GB_PHYSICAL_ENVIRONMENT),
    },
  });
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
  return clusterServer(ClusterId.time, {
    attributes: {
      time: { get: (env) => msToZclUtc(env.now) },
      timeStatus: constant(GB_TIME_STATUS),
      timeZone: constant(0),
      dstStart: { get: (env) => msToZclUtc(dst(env.now).start) },
      dstEnd: { get: (env) => msToZclUtc(dst(env.now).end) },
      dstShift: constant(3600),
      standardTime: { get: (env) => msToZclUtc(env.now) },
      localTime: { get: (env) => msToZclUtc(env.now) + (inDst(env.now) ? 3600 : 0) },
      lastSetTime: { get: (env) => msToZclUtc(env.identity.startedAt) },
      validUntilTime: constant(0xffffffff),
    },
  });
}
