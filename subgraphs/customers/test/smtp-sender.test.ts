import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CustomerRow, NotificationRow } from '../src/db/schema.js';
import { createSmtpSender } from '../src/senders.js';

const REPLIES: Record<string, string> = {
  EHLO: '250 test.local',
  HELO: '250 test.local',
  DATA: '354 go ahead',
  QUIT: '221 bye',
};

/** A plain SMTP server on a free local port that keeps each message it accepts (RFC 5321). */
function startSmtpServer() {
  const messages: { from: string; to: string[]; data: string }[] = [];
  const server = createServer((socket: Socket) => {
    let envelope = { from: '', to: [] as string[] };
    let data: string | null = null;
    let buffered = '';
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 test.local ESMTP');
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (data !== null) {
          if (line === '.') {
            messages.push({ ...envelope, data });
            envelope = { from: '', to: [] };
            data = null;
            reply('250 queued');
          } else data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'MAIL') envelope.from = line.slice(10);
        if (verb === 'RCPT') envelope.to.push(line.slice(8));
        if (verb === 'DATA') data = '';
        reply(REPLIES[verb] ?? '250 ok');
        if (verb === 'QUIT') socket.end();
      }
    });
  });
  return { server, messages };
}

const smtp = startSmtpServer();
let port: number;
before(async () => {
  smtp.server.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  port = (smtp.server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => smtp.server.close(() => resolve())));

describe('the SMTP sender', () => {
  it('mails a notification to its customer, with its id in a header', async () => {
    const sender = createSmtpSender({
      url: `smtp://127.0.0.1:${port}`,
      from: 'orders@ordergraph.test',
    });
    const customer = { name: 'Ada Lovelace', email: 'ada@example.com' } as CustomerRow;
    const notification = {
      id: '00000000-0000-4000-8000-00000000beef',
      title: 'Your order shipped',
      message: 'OG-100002 is on its way.',
    } as NotificationRow;
    await sender.send(notification, customer);
    assert.equal(smtp.messages.length, 1);
    const [message] = smtp.messages;
    assert.equal(message?.from, '<orders@ordergraph.test>');
    assert.deepEqual(message?.to, ['<ada@example.com>']);
    assert.match(message?.data ?? '', /^Subject: Your order shipped$/m);
    assert.match(message?.data ?? '', /^To: Ada Lovelace <ada@example\.com>$/m);
    assert.match(
      message?.data ?? '',
      /^X-Ordergraph-Notification-Id: 00000000-0000-4000-8000-00000000beef$/im,
    );
    assert.match(message?.data ?? '', /OG-100002 is on its way\./);
  });
});
