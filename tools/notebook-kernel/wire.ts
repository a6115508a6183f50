// The Jupyter messaging protocol's wire format (v5.3): frames
// [<IDS|MSG>, hmac-sha256(header, parent_header, metadata, content), header, parent_header, metadata, content, ...buffers].
// https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

const DELIMITER = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<Content = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Content;
}

export function newMessage<Content>(msgType: string, session: string, content: Content): JupyterMessage<Content> {
  return {
    header: { msg_id: randomUUID(), session, username: 'af-lab', date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION },
    parent_header: {},
    metadata: {},
    content,
  };
}

function sign(key: string, parts: Array<string | Buffer>): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

export function encodeMessage(message: JupyterMessage<unknown>, key: string): string[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) => JSON.stringify(part));
  return [DELIMITER, sign(key, parts), ...parts];
}

/** Decode frames received on a socket; throws when the signature does not match the session key. */
export function decodeMessage(frames: Buffer[], key: string): JupyterMessage {
  const at = frames.findIndex((frame) => frame.toString() === DELIMITER);
  if (at === -1 || frames.length < at + 6) throw new Error('kernel message without the <IDS|MSG> delimiter or with missing parts');
  const signature = frames[at + 1].toString();
  const parts = frames.slice(at + 2, at + 6);
  const expected = sign(key, parts);
  if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    throw new Error('kernel message with an invalid HMAC signature');
  }
  const [header, parent_header, metadata, content] = parts.map((part) => JSON.parse(part.toString()) as unknown);
  return {
    header: header as MessageHeader,
    parent_header: parent_header as Partial<MessageHeader>,
    metadata: metadata as Record<string, unknown>,
    content: content as Record<string, unknown>,
  };
}
