import type { Resolvers } from '../__generated__/resolvers-types.js';
import type { CarrierSuccessResult } from '../carriers.js';
import type { Context } from '../context.js';

// mutation results are stored as codes (see withIdempotency) and resolved on every read
const carrierOf = async ({ code }: CarrierSuccessResult, _args: unknown, { loaders }: Context) =>
  (await loaders.carrierByCode.load(code))!;

export const CarrierResults: Pick<Resolvers, 'CreateCarrierSuccess' | 'UpdateCarrierSuccess'> = {
  CreateCarrierSuccess: { carrier: carrierOf },
  UpdateCarrierSuccess: { carrier: carrierOf },
};
