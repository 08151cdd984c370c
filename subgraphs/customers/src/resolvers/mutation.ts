import {
  appendEvent,
  customersEvents,
  canActForCustomer,
  checkIdempotencyKey,
  customerIdOf,
  forbidden,
  hasRole,
  isPrivileged,
  isUuid,
  withIdempotency,
} from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { validateAddress, validateRegistration } from '../customers.js';
import { createCustomersRepository, EmailTakenError } from '../customers.repository.js';
import { createNotificationsRepository } from '../notifications.repository.js';

const emailTaken = (email: string) => ({
  __typename: 'EmailTakenError' as const,
  message: `The e-mail address ${email} is already registered.`,
  email,
});

export const Mutation: MutationResolvers = {
  registerCustomer: async (_parent, { input }, { viewer, db }) => {
    // anonymous sign-up, or staff registering someone; a signed-in customer has an account
    if (viewer.roles.length > 0 && !isPrivileged(viewer)) {
      throw forbidden('Only staff or an anonymous visitor may register a customer.');
    }
    const registration = validateRegistration(input);
    if ('__typename' in registration) return registration;
    try {
      return await withIdempotency(db, {
        scope: `registerCustomer:${viewer.subject ?? 'anonymous'}`,
        key: input.idempotencyKey,
        input,
        run: async (tx) => {
          const repository = createCustomersRepository({ db: tx });
          if (await repository.findByEmail(registration.email))
            return emailTaken(registration.email);
          const customer = await repository.insert(registration);
          await appendEvent(
            tx,
            customersEvents.event({
              streamType: 'customer',
              streamId: customer.id,
              type: 'customer.registered',
              payload: { customerId: customer.id },
            }),
          );
          return { __typename: 'RegisterCustomerSuccess', customerId: customer.id };
        },
      });
    } catch (error) {
      // a concurrent registration of the same e-mail won the race
      if (error instanceof EmailTakenError) return emailTaken(error.email);
      throw error;
    }
  },

  addAddress: async (_parent, { input }, { viewer, db }) => {
    const customerId = input.customerId ?? customerIdOf(viewer);
    if (!customerId) {
      throw hasRole(viewer, 'customer') || viewer.roles.length === 0
        ? forbidden('Sign in as a customer, or name the customer.')
        : forbidden('Name the customer whose address this is.');
    }
    if (!canActForCustomer(viewer, customerId))
      throw forbidden('You may only change your own addresses.');
    const address = validateAddress(input);
    if ('__typename' in address) return address;
    const notFound = {
      __typename: 'CustomerNotFoundError' as const,
      message: `No customer has the id ${customerId}.`,
      customerId,
    };
    if (!isUuid(customerId)) return notFound;
    return withIdempotency(db, {
      scope: `addAddress:${viewer.subject ?? 'anonymous'}`,
      key: input.idempotencyKey,
      input: { ...input, customerId },
      run: async (tx) => {
        const repository = createCustomersRepository({ db: tx });
        const [customer] = await repository.findByIds([customerId]);
        if (!customer) return notFound;
        const saved = await repository.insertAddress({ customerId, ...address });
        await appendEvent(
          tx,
          customersEvents.event({
            streamType: 'customer',
            streamId: customerId,
            type: 'customer.address_added',
            payload: { customerId, addressId: saved.id },
          }),
        );
        return { __typename: 'AddAddressSuccess', customerId, addressId: saved.id };
      },
    });
  },

  markNotificationRead: async (_parent, { input }, { viewer, db }) => {
    const customerId = customerIdOf(viewer);
    if (!customerId) {
      throw forbidden('Only the customer a notification was sent to may mark it read.');
    }
    const problem = checkIdempotencyKey(input.idempotencyKey);
    if (problem) return problem;
    const { notificationId } = input;
    const notFound = {
      __typename: 'NotificationNotFoundError' as const,
      message: `You have no notification with the id ${notificationId}.`,
      notificationId,
    };
    if (!isUuid(notificationId)) return notFound;
    return withIdempotency(db, {
      scope: `markNotificationRead:${customerId}`,
      key: input.idempotencyKey,
      input,
      run: async (tx) => {
        const marked = await createNotificationsRepository({ db: tx }).markRead({
          id: notificationId,
          customerId,
        });
        if (!marked) return notFound;
        if (marked.changed) {
          await appendEvent(
            tx,
            customersEvents.event({
              streamType: 'notification',
              streamId: notificationId,
              type: 'notification.read',
              payload: { notificationId, customerId },
            }),
          );
        }
        return { __typename: 'MarkNotificationReadSuccess', notificationId };
      },
    });
  },
};
