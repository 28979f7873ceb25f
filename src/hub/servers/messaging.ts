/**
 * Messaging 0x0703 (domain.md §6). GetLastMessage answers with DisplayMessage of the meter's active message
 * (the last one published on it, until the supplier replaces it; a CoT changes nothing), or Default Response
 * NOT_FOUND before any. Its StartTime is the time the meter received the message, published "now" (StartTime
 * 0 in the pushed DisplayMessage, as in the RTDS GCS07 vector). MessageConfirmation is recorded.
 * GetMessageCancellation: no message is ever cancelled, so NOT_FOUND.
 */
import { msToZclUtc } from "../clock.js";
import type { SupplierMessage } from "../data/messages.js";
import { ClusterId, Status } from "../../zcl/index.js";
import { type ClusterServer, type CommandHandler, clusterServer, field, success } from "./server.js";

/** StartTime 0: now (domain.md §6.1). */
export const START_NOW = 0;

/**
 * The DisplayMessage payload of a message (src/zcl field names): pushed when published, with StartTime now
 * (0); answered to GetLastMessage with the time the meter received it.
 */
export function displayMessagePayload(m: SupplierMessage, pushed = false): Record<string, unknown> {
  return {
    messageId: m.messageId,
    messageControl: m.messageControl,
    startTime: pushed ? START_NOW : msToZclUtc(m.publishedAt),
    durationInMinutes: m.durationInMinutes,
    message: m.text,
  };
}

export function messagingServer(): ClusterServer {
  const getLastMessage: CommandHandler = (env) => {
    const m = env.messages.active(env.role);
    if (!m) return { kind: "default", status: Status.NOT_FOUND };
    env.served("displayMessage.messageId", m.messageId);
    env.served("displayMessage.message", m.text);
    return { kind: "response", commandId: 0x00, command: "displayMessage", payload: displayMessagePayload(m) };
  };
  const messageConfirmation: CommandHandler = (env, req) => {
    const messageId = field(req, "messageId");
    const confirmationTime = field(req, "confirmationTime");
    env.messages.confirmations.push({ messageId, device: env.ctx.device, role: env.role, confirmationTime });
    env.note("message confirmation", { device: env.ctx.device, role: env.role, messageId, confirmationTime });
    return success(req);
  };
  const getMessageCancellation: CommandHandler = (_env, req) => {
    field(req, "earliestImplementationTime");
    return { kind: "default", status: Status.NOT_FOUND };
  };
  return clusterServer(ClusterId.messaging, {
    commands: { getLastMessage, messageConfirmation, getMessageCancellation },
  });
}
