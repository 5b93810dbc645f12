import { expect, it } from 'vitest';
import { createWatchTickets, signWatchTicket, watchTicketKey } from './watch-tickets.ts';

const point = '6f1c2a4e-0b7d-4c3e-9a51-2d8e7f6a1b90';
const other = '0e7b3d52-8c41-4f6a-b2d9-13a5c7e9f024';

it('issues a ticket that reads back as its point, and expires after the ttl', () => {
  let clock = 1_000_000;
  const tickets = createWatchTickets({
    secret: () => 'janus-api-secret',
    ttlMs: 60_000,
    now: () => clock,
  });
  const issued = tickets.issue(point.toUpperCase());
  expect(issued.pointUuid).toBe(point);
  expect(tickets.read(issued.ticket)).toEqual({
    pointUuid: point,
    expiresAt: new Date(1_060_000),
    expired: false,
  });
  clock = 1_060_000;
  expect(tickets.read(issued.ticket).expired).toBe(true);
});

it('refuses forged, altered, foreign-key and malformed tickets as UNAUTHENTICATED', () => {
  const tickets = createWatchTickets({ secret: () => 'janus-api-secret' });
  const { ticket } = tickets.issue(point);
  const [prefix, , expiry, mac] = ticket.split('.');
  const attempts = [
    `${prefix}.${other}.${expiry}.${mac}`, // another point, same signature
    `${prefix}.${point}.${Number(expiry) + 3_600_000}.${mac}`, // a later expiry
    signWatchTicket(watchTicketKey('another secret'), point, Date.now() + 60_000),
    `${ticket.slice(0, -1)}${ticket.endsWith('A') ? 'B' : 'A'}`,
    `${ticket}.x`,
    'wt1.',
    'a-listener-token',
    `${ticket}${'A'.repeat(300)}`,
  ];
  for (const attempt of attempts)
    expect(() => tickets.read(attempt), attempt).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
});

it('signs with a key of its own while no Janus secret exists, and follows the secret once it does', () => {
  const janus: { secret?: string } = {};
  const tickets = createWatchTickets({ secret: () => janus.secret });
  const early = tickets.issue(point).ticket;
  expect(tickets.read(early).pointUuid).toBe(point);
  janus.secret = 'janus-api-secret';
  expect(() => tickets.read(early)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  const late = signWatchTicket(watchTicketKey('janus-api-secret'), point, Date.now() + 60_000);
  expect(tickets.read(late).pointUuid).toBe(point);
});
