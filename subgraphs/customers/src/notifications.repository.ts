import { and, count, eq, getTableColumns, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import {
  anyOf,
  changeAndAppendEvent,
  executeRows,
  isUuid,
  newestFirstPerGroup,
  type Database,
} from '@ordergraph/shared';
import {
  customers,
  notifications,
  type CustomerRow,
  type NotificationChannel,
  type NotificationRow,
} from './db/schema.js';

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

/** A `table` row from a raw result's columns (SQL names after `prefix`), as drizzle maps it. */
function rowOf(table: PgTable, raw: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table)).map(([key, column]) => {
      const value = raw[`${prefix}${column.name}`];
      return [key, value == null ? null : column.mapFromDriverValue(value)];
    }),
  );
}

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
      return newestFirstPerGroup({
        db,
        table: notifications,
        groupBy: 'customerId',
        groups: valid,
        newestFirst: ['seq'],
        where: unreadOnly ? [isNull(notifications.readAt)] : [],
        after: cursor && { seq: cursor.seq },
        limit,
      });
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
      const insert = db
        .insert(notifications)
        .values(values)
        .onConflictDoNothing({ target: [notifications.sourceService, notifications.sourceSeq] })
        .returning();
      // the dispatcher wakes when the transaction commits (see NOTIFICATIONS_DUE_CHANNEL): the
      // NOTIFY rides in the insert's statement, and is queued only when a row was inserted
      const [row] = await executeRows(
        db,
        sql`with inserted as (${insert.getSQL()})
            select inserted.*, pg_notify(${NOTIFICATIONS_DUE_CHANNEL}, '') as notified
            from inserted`,
      );
      return row ? (rowOf(notifications, row) as NotificationRow) : null;
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
     * Leases up to `limit` undelivered notifications whose attempt is due, oldest first, each
     * with its customer: they are not due again for `leaseMs`, so another dispatcher does not
     * send them meanwhile. One statement: `fence` runs it with the condition that the caller
     * still holds its lease, and resolves to its rows (none when it does not hold it).
     */
    async claimDue({
      limit,
      leaseMs,
      fence,
    }: {
      limit: number;
      leaseMs: number;
      fence: (write: (held: SQL) => SQL) => Promise<Record<string, unknown>[]>;
    }): Promise<{ notification: NotificationRow; customer: CustomerRow | undefined }[]> {
      const customerColumns = sql.join(
        Object.values(getTableColumns(customers)).map(
          (column) =>
            sql`customer.${sql.identifier(column.name)} as ${sql.identifier(`customer.${column.name}`)}`,
        ),
        sql`, `,
      );
      // the fence row comes back even with nothing due, so that an empty claim is not a lost lease
      const rows = await fence(
        (held) => sql`with fence as materialized (select ${held} as held),
          due as (
            select id from ${notifications}
            where (select held from fence) and delivered_at is null and next_attempt_at <= now()
            order by next_attempt_at, seq
            limit ${limit}
            for update skip locked),
          claimed as (
            update ${notifications} set next_attempt_at = ${after(leaseMs)}
            from due where ${notifications.id} = due.id
            returning ${notifications}.*)
          select claimed.*, ${customerColumns}
          from fence
            left join claimed on true
            left join ${customers} as customer on customer.id = claimed.customer_id
          where fence.held`,
      );
      return rows
        .filter((row) => row['id'] != null)
        .map((row) => ({
          notification: rowOf(notifications, row) as NotificationRow,
          customer:
            row['customer.id'] == null
              ? undefined
              : (rowOf(customers, row, 'customer.') as CustomerRow),
        }))
        .sort((a, b) => a.notification.seq - b.notification.seq);
    },

    /** makes leased notifications due again at once (a stopping dispatcher) */
    async releaseLeases(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(notifications)
        .set({ nextAttemptAt: sql`now()` })
        .where(and(anyOf(notifications.id, [...ids]), isNull(notifications.deliveredAt)));
    },

    /**
     * Marks a notification delivered and appends its `notification.delivered` event, in one
     * statement; false when it was delivered already (nothing is appended then).
     */
    async markDelivered({
      id,
      channel,
    }: {
      id: string;
      channel: NotificationChannel;
    }): Promise<boolean> {
      const appended = await changeAndAppendEvent(db, {
        change: sql`update ${notifications}
          set delivered_at = now(), channel = ${channel}, attempts = attempts + 1,
            next_attempt_at = null, last_error = null
          where id = ${id} and delivered_at is null
          returning id, customer_id, channel`,
        event: {
          streamType: 'notification',
          streamId: sql`changed.id::text`,
          type: 'notification.delivered',
          payload: sql`jsonb_build_object('notificationId', changed.id, 'customerId',
            changed.customer_id, 'channel', changed.channel)`,
        },
      });
      return appended > 0;
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
