/**
 * Messaging 0x0703 (domain.md §6). GetLastMessage answers with DisplayMessage of the last message of the
 * tenancy in force for this endpoint's role, or Default Response NOT_FOUND when that tenancy has none:
 * an older tenancy's message is never served once a CoT has taken effect. MessageConfirmation is recorded.
 * GetMessageCancellation: no message is ever cancelled, so NOT_FOUND.
 */
import { msToZclUtc } from "../clock.js";
import type { SupplierMessage } from "../data/messages.js";
import { ClusterId, Status } from "../../zcl/index.js";
import { type ClusterServer, type CommandHandler, clusterServer, field, success } from "./server.js";

/** The DisplayMessage payload of a message (src/zcl field names). */
export function displayMessagePayload(m: SupplierMessage): Record<string, unknown> {
  return {
    messageId: m.messageId,
    messageControl: m.messageControl,
    startTime: msToZclUtc(m.publishedAt),
    durationInMinutes: m.durationInMinutes,
    message: m.text,
  };
}

export function messagingServer(): ClusterServer {
  const getLastMessage: CommandHandler = (env) => {
    const m = env.messages.last(env.tenancy, env.role);
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
