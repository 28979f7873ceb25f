/** APP_CNF subsystem (BDB): channels, install codes, commissioning (network formation). */
import { linkKeyFromInstallCode } from "../../hub/install-code.js";
import {
  APP_CNF_BDB_ADD_INSTALLCODE,
  APP_CNF_BDB_SET_CHANNEL,
  APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY,
  APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE,
  APP_CNF_BDB_START_COMMISSIONING,
} from "./commands.js";
import { startCommissioning } from "./commissioning.js";
import { type Responder, onSreq } from "./emulator.js";
import { ieeeFromLe } from "./state.js";

const Status = { SUCCESS: 0x00, INVALID_PARAMETER: 0x02 } as const;

export const APP_CNF_RESPONDERS: readonly Responder[] = [
  // format 1: install code + CRC, 2: the key hashed from it
  onSreq(APP_CNF_BDB_ADD_INSTALLCODE, ({ installCodeFormat, ieeeAddr, installCode }, emu) => {
    let linkKey: Buffer;
    if (installCodeFormat === 1) {
      try {
        linkKey = linkKeyFromInstallCode(Buffer.from(installCode));
      } catch {
        return { status: Status.INVALID_PARAMETER }; // wrong length or CRC
      }
    } else if (installCodeFormat === 2) {
      if (installCode.length !== 16) return { status: Status.INVALID_PARAMETER };
      linkKey = Buffer.from(installCode);
    } else return { status: Status.SUCCESS }; // another format: the firmware's switch ignores it and answers success
    emu.state.linkKeys.set(ieeeFromLe(ieeeAddr), linkKey);
    emu.state.save();
    return { status: Status.SUCCESS };
  }),
  // mode 0x04 (formation) → SRSP, then state changes and the BDB notification
  onSreq(APP_CNF_BDB_START_COMMISSIONING, ({ mode }, emu) => {
    startCommissioning(emu, mode);
    return { status: Status.SUCCESS };
  }),
  onSreq(APP_CNF_BDB_SET_CHANNEL, ({ isPrimary, channel }, emu) => {
    if (isPrimary === 1) emu.primaryChannelMask = channel || undefined;
    return { status: Status.SUCCESS };
  }),
  onSreq(APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE, () => ({ status: Status.SUCCESS })),
  // bdbJoinUsesInstallCodeKey: any non-zero value sets it, zero clears it (mt_app_config.c)
  onSreq(APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY, ({ useInstallCode }, emu) => {
    emu.requireInstallCodes = useInstallCode !== 0;
    return { status: Status.SUCCESS };
  }),
];
