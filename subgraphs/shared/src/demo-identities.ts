// a fixture, not a domain: plain data any package may read without loading a service
/**
 * The demo customers: the customers service seeds them and the development sign-in mints
 * tokens for them; fixed ids so the demo orders and docs can name them.
 */
export const DEMO_CUSTOMERS = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    phone: '+44 20 7946 0001',
    country: 'GB',
    city: 'London',
    line1: '12 St James Square',
    postalCode: 'SW1Y 4JH',
  },
  {
    id: '00000000-0000-4000-8000-000000000002',
    email: 'grace@example.com',
    name: 'Grace Hopper',
    phone: '+1 212 555 0102',
    country: 'US',
    city: 'New York',
    line1: '350 Fifth Avenue',
    postalCode: '10118',
  },
  {
    id: '00000000-0000-4000-8000-000000000003',
    email: 'alan@example.com',
    name: 'Alan Turing',
    phone: null,
    country: 'GB',
    city: 'Manchester',
    line1: '1 Oxford Road',
    postalCode: 'M1 7ED',
  },
  {
    id: '00000000-0000-4000-8000-000000000004',
    email: 'katherine@example.com',
    name: 'Katherine Johnson',
    phone: '+1 757 555 0104',
    country: 'US',
    city: 'Hampton',
    line1: '1 NASA Drive',
    postalCode: '23666',
  },
  {
    id: '00000000-0000-4000-8000-000000000005',
    email: 'hedy@example.com',
    name: 'Hedy Lamarr',
    phone: null,
    country: 'DE',
    city: 'Berlin',
    line1: 'Unter den Linden 1',
    postalCode: '10117',
  },
] as const;
