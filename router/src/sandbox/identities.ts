import type { Role } from '@ordergraph/shared/identity';
import { DEMO_CUSTOMERS } from '@ordergraph/shared/demo-identities';
import { signToken, type JwtOptions } from '../auth.js';

/** Someone the development sign-in can mint a token for. */
export interface DemoIdentity {
  id: string;
  label: string;
  subject: string;
  roles: Role[];
  carrierCode?: string;
  /** the token's `name` claim: who did it, on timelines and stock movements */
  name?: string;
}

/** The demo customers (the customers service seeds them), then one staff, warehouse and carrier user. */
export const DEMO_IDENTITIES: readonly DemoIdentity[] = [
  ...DEMO_CUSTOMERS.map((customer) => ({
    id: `customer:${customer.id}`,
    label: `${customer.name} (customer)`,
    subject: customer.id,
    roles: ['customer'] as Role[],
    name: customer.name,
  })),
  {
    id: 'staff',
    label: 'Staff (customer service)',
    subject: 'staff-1',
    roles: ['staff'],
    name: 'Customer Service',
  },
  {
    id: 'warehouse',
    label: 'Warehouse picker',
    subject: 'picker-1',
    roles: ['warehouse'],
    name: 'Picker One',
  },
  {
    id: 'carrier:ups',
    label: 'Carrier (UPS)',
    subject: 'carrier-ups',
    roles: ['carrier'],
    carrierCode: 'ups',
  },
];

/** A short-lived development token for a demo identity; undefined for an unknown id. */
export async function mintDemoToken(
  identityId: string,
  { secret, issuer, audience }: JwtOptions,
): Promise<{ identity: DemoIdentity; token: string } | undefined> {
  const identity = DEMO_IDENTITIES.find((candidate) => candidate.id === identityId);
  if (!identity) return undefined;
  const token = await signToken({
    secret,
    subject: identity.subject,
    roles: identity.roles,
    expiresIn: '12h',
    ...(identity.carrierCode ? { carrierCode: identity.carrierCode } : {}),
    ...(identity.name ? { name: identity.name } : {}),
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
  });
  return { identity, token };
}
