import { badUserInput } from './errors.js';

/**
 * The opaque cursor of an event of a subscription: base64url of `<streamType>:<seq>`, so a
 * client keeps it as a string and a cursor of one kind of stream is refused by another.
 */
export function encodeEventCursor(streamType: string, seq: number): string {
  return Buffer.from(`${streamType}:${seq}`).toString('base64url');
}

/** The seq a cursor of `streamType` points at; anything else is a BAD_USER_INPUT error. */
export function decodeEventCursor(
  cursor: string,
  { streamType, field = 'after' }: { streamType: string; field?: string },
): number {
  const decoded = /^[A-Za-z0-9_-]{1,100}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const match = /^([a-z_]+):(\d{1,15})$/.exec(decoded);
  if (!match || match[1] !== streamType) {
    throw badUserInput(`"${field}" is not a cursor of this subscription.`, field);
  }
  return Number(match[2]);
}
