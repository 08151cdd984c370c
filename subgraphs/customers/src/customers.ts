import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  isCountryCode,
  type InvalidInput,
} from '@ordergraph/shared';

// deliberately permissive: one "@", something on both sides, a dot in the domain
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 -]{5,24}$/;

export interface Registration {
  email: string;
  name: string;
  phone: string | null;
}

/** Checks and normalises a registration: trimmed, e-mail lower-cased. */
export function validateRegistration(input: {
  email: string;
  name: string;
  phone?: string | null;
  idempotencyKey: string;
}): Registration | InvalidInput {
  const email = input.email.trim().toLowerCase();
  const phone = input.phone?.trim() || null;
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    EMAIL.test(email) && email.length <= 254
      ? null
      : invalidInput('email is not a valid e-mail address.', 'email'),
    checkText(input.name, { field: 'name' }),
    phone === null || PHONE.test(phone)
      ? null
      : invalidInput('phone is not a valid phone number.', 'phone'),
  );
  return problem ?? { email, name: input.name.trim(), phone };
}

export interface NewAddress {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
}

/** Checks and normalises an address: trimmed, country upper-cased. */
export function validateAddress(input: {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}): NewAddress | InvalidInput {
  const country = input.country.trim().toUpperCase();
  const problem = firstProblem(
    checkText(input.line1, { field: 'line1' }),
    checkText(input.line2, { field: 'line2', required: false }),
    checkText(input.city, { field: 'city', max: 100 }),
    checkText(input.region, { field: 'region', max: 100, required: false }),
    checkText(input.postalCode, { field: 'postalCode', max: 20 }),
    isCountryCode(country)
      ? null
      : invalidInput('country must be an ISO 3166-1 alpha-2 code, e.g. "US".', 'country'),
  );
  return (
    problem ?? {
      line1: input.line1.trim(),
      line2: input.line2?.trim() || null,
      city: input.city.trim(),
      region: input.region?.trim() || null,
      postalCode: input.postalCode.trim(),
      country,
    }
  );
}

/** What a mutation's stored result holds: ids, resolved again on every read. */
export type RegisterCustomerSuccessResult = {
  __typename: 'RegisterCustomerSuccess';
  customerId: string;
};
export type AddAddressSuccessResult = {
  __typename: 'AddAddressSuccess';
  customerId: string;
  addressId: string;
};
