import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  sql,
  type SQL,
} from 'drizzle-orm';
import { isUuid, type Database, anyOf } from '@ordergraph/shared';
import { notifications, type NotificationChannel, type NotificationRow } from './db/schema.js';

/**
 * The NOTIFY channel of notifications to send: the dispatcher wakes on it, not on every commit
 * of the event log (its own deliveries among them), each of which cost it a fenced pass.
 */
export const NOTIFICATIONS_DUE_CHANNEL = 'notifications_due';

/** keyset position in a customer's newest-first notifications */
export interface NotificationCursor {
  seq: number;
}

const after = (milliseconds: number) => sql`now() + ${milliseconds} * interval '1 millisecond'`;

/** The notifications' SQL, as plain functions over `db` (a transaction works too). */
export function createNotificationsRepository({ db }: { db: Database }) {
  return {
    async findByIds(ids: readonly string[]): Promise<NotificationRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(notifications).where(anyOf(notifications.id, valid));
    },

    /** up to `limit` of each customer's notifications after the cursor, newest first */
    async listForCustomers({
      customerIds,
      limit,
      after: cursor,
      unreadOnly,
    }: {
      customerIds: readonly string[];
      limit: number;
      after: NotificationCursor | null;
      unreadOnly: boolean;
    }): Promise<NotificationRow[]> {
      const valid = customerIds.filter(isUuid);
      if (valid.length === 0) return [];
      const conditions: (SQL | undefined)[] = [anyOf(notifications.customerId, valid)];
      if (unreadOnly) conditions.push(isNull(notifications.readAt));
      if (cursor) conditions.push(lt(notifications.seq, cursor.seq));
      const ranked = db.$with('ranked').as(
        db
          .select({
            ...getTableColumns(notifications),
            rank: sql<number>`row_number() over (partition by ${notifications.customerId} order by ${notifications.seq} desc)`.as(
              'rank',
            ),
          })
          .from(notifications)
          .where(and(...conditions)),
      );
      const rows = await db
        .with(ranked)
        .select()
        .from(ranked)
        .where(lte(ranked.rank, limit))
        .orderBy(asc(ranked.customerId), desc(ranked.seq));
      return rows.map(({ rank: _rank, ...row }) => row);
    },

    async countUnreadByCustomerIds(
      customerIds: readonly string[],
    ): Promise<{ customerId: string; unread: number }[]> {
      const valid = customerIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db
        .select({ customerId: notifications.customerId, unread: count() })
        .from(notifications)
        .where(and(anyOf(notifications.customerId, valid), isNull(notifications.readAt)))
        .groupBy(notifications.customerId);
    },

    /** the order's number as an earlier notification recorded it */
    async findOrderNumber(orderId: string): Promise<string | null> {
      const [row] = await db
        .select({ orderNumber: notifications.orderNumber })
        .from(notifications)
        .where(and(eq(notifications.orderId, orderId), isNotNull(notifications.orderNumber)))
        .limit(1);
      return row?.orderNumber ?? null;
    },

    /** inserts the notification of one source event; null when that event already has one */
    async insertOnce(values: typeof notifications.$inferInsert): Promise<NotificationRow | null> {
      const [row] = await db
        .insert(notifications)
        .values(values)
        .onConflictDoNothing({ target: [notifications.sourceService, notifications.sourceSeq] })
        .returning();
      if (!row) return null;
      // the dispatcher wakes when the transaction commits (see NOTIFICATIONS_DUE_CHANNEL)
      await db.execute(sql`select pg_notify(${NOTIFICATIONS_DUE_CHANNEL}, '')`);
      return row;
    },

    /**
     * Marks a customer's notification read, keeping the first time it was read; null when the
     * customer has no notification with this id.
     */
    async markRead({
      id,
      customerId,
    }: {
      id: string;
      customerId: string;
    }): Promise<{ row: NotificationRow; changed: boolean } | null> {
      const mine = and(eq(notifications.id, id), eq(notifications.customerId, customerId));
      const [updated] = await db
        .update(notifications)
        .set({ readAt: sql`now()` })
        .where(and(mine, isNull(notifications.readAt)))
        .returning();
      if (updated) return { row: updated, changed: true };
      const [existing] = await db.select().from(notifications).where(mine);
      return existing ? { row: existing, changed: false } : null;
    },

    /**
     * Leases up to `limit` undelivered notifications whose attempt is due, oldest first: they
     * are not due again for `leaseMs`, so another dispatcher does not send them meanwhile.
     */
    async claimDue({ limit, leaseMs }: { limit: number; leaseMs: number }) {
      const due = db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(isNull(notifications.deliveredAt), lte(notifications.nextAttemptAt, sql`now()`)))
        .orderBy(asc(notifications.nextAttemptAt), asc(notifications.seq))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(notifications)
        .set({ nextAttemptAt: after(leaseMs) })
        .where(inArray(notifications.id, due))
        .returning();
      return rows.sort((a, b) => a.seq - b.seq);
    },

    /** makes leased notifications due again at once (a stopping dispatcher) */
    async releaseLeases(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(notifications)
        .set({ nextAttemptAt: sql`now()` })
        .where(and(anyOf(notifications.id, [...ids]), isNull(notifications.deliveredAt)));
    },

    async markDelivered({
      id,
      channel,
    }: {
      id: string;
      channel: NotificationChannel;
    }): Promise<NotificationRow | null> {
      const [row] = await db
        .update(notifications)
        .set({
          deliveredAt: sql`now()`,
          channel,
          attempts: sql`${notifications.attempts} + 1`,
          nextAttemptAt: null,
          lastError: null,
        })
        .where(and(eq(notifications.id, id), isNull(notifications.deliveredAt)))
        .returning();
      return row ?? null;
    },

    /** records a failed attempt; `retryInMs` null gives up on the notification */
    async markFailed({
      id,
      error,
      retryInMs,
    }: {
      id: string;
      error: string;
      retryInMs: number | null;
    }): Promise<void> {
      await db
        .update(notifications)
        .set({
          attempts: sql`${notifications.attempts} + 1`,
          nextAttemptAt: retryInMs === null ? null : after(retryInMs),
          lastError: error.slice(0, 1000),
        })
        .where(and(eq(notifications.id, id), isNull(notifications.deliveredAt)));
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
