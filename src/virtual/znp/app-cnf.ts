/** APP_CNF subsystem (BDB): channels, install codes, commissioning (network formation). */
import { linkKeyFromInstallCode } from "../../hub/install-code.js";
import {
  APP_CNF_BDB_ADD_INSTALLCODE,
  APP_CNF_BDB_COMMISSIONING_NOTIFICATION,
  APP_CNF_BDB_SET_CHANNEL,
  APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY,
  APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE,
  APP_CNF_BDB_START_COMMISSIONING,
  ZDO_STATE_CHANGE_IND,
} from "./commands.js";
import { formNetwork } from "./commissioning.js";
import { DevState, type Responder, onSreq } from "./emulator.js";
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
    } else return { status: Status.INVALID_PARAMETER };
    emu.state.linkKeys.set(ieeeFromLe(ieeeAddr), linkKey);
    emu.state.save();
    return { status: Status.SUCCESS };
  }),
  // mode 0x04 (formation) → SRSP, then state changes and the BDB notification
  onSreq(APP_CNF_BDB_START_COMMISSIONING, ({ mode }, emu) => {
    const forms = (mode & 0x04) !== 0 && !emu.formed;
    if (forms) formNetwork(emu);
    setImmediate(() => {
      if (forms) emu.callback(ZDO_STATE_CHANGE_IND, { state: DevState.COORD_STARTING });
      if (emu.formed) {
        emu.deviceState = DevState.ZB_COORD;
        emu.callback(ZDO_STATE_CHANGE_IND, { state: DevState.ZB_COORD });
      }
      emu.callback(APP_CNF_BDB_COMMISSIONING_NOTIFICATION, { status: emu.formed ? 0 : 1, mode, remainingModes: 0 });
    });
    return { status: Status.SUCCESS };
  }),
  onSreq(APP_CNF_BDB_SET_CHANNEL, ({ isPrimary, channel }, emu) => {
    if (isPrimary === 1) emu.primaryChannelMask = channel || undefined;
    return { status: Status.SUCCESS };
  }),
  onSreq(APP_CNF_BDB_SET_TC_REQUIRE_KEY_EXCHANGE, () => ({ status: Status.SUCCESS })),
  onSreq(APP_CNF_BDB_SET_JOINUSESINSTALLCODEKEY, ({ useInstallCode }, emu) => {
    emu.requireInstallCodes = useInstallCode === 1 || emu.requireInstallCodes;
    return { status: Status.SUCCESS };
  }),
];
