import type { Resolvers } from '../__generated__/resolvers-types.js';

// mutation results are stored as ids (see withIdempotency) and resolved on every read
export const RegisterCustomerSuccess: Resolvers['RegisterCustomerSuccess'] = {
  customer: async ({ customerId }, _args, { loaders }) =>
    (await loaders.customerById.load(customerId))!,
};

export const AddAddressSuccess: Resolvers['AddAddressSuccess'] = {
  customer: async ({ customerId }, _args, { loaders }) =>
    (await loaders.customerById.load(customerId))!,
  address: async ({ customerId, addressId }, _args, { loaders }) => {
    const addresses = await loaders.addressesByCustomerId.load(customerId);
    return addresses.find((address) => address.id === addressId)!;
  },
};

export const MarkNotificationReadSuccess: Resolvers['MarkNotificationReadSuccess'] = {
  notification: async ({ notificationId }, _args, { loaders }) =>
    (await loaders.notificationById.load(notificationId))!,
};
