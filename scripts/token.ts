// mints a development JWT: npm run token -- --role customer --sub <customer id>
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@ordergraph/shared';
import { signToken } from '../router/src/auth.js';
import { loadConfig } from '../router/src/config.js';
import { DEMO_CUSTOMERS } from '../subgraphs/customers/src/seed.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true, default: ['customer'] },
    sub: { type: 'string' },
    carrier: { type: 'string' },
    expires: { type: 'string', default: '12h' },
  },
});

const roles = values.role.flatMap((role) => role.split(','));
const unknown = roles.filter(
  (role) => !(ROLES as readonly string[]).includes(role) || role === 'service',
);
if (unknown.length > 0) {
  console.error(
    `Unknown role(s): ${unknown.join(', ')}. Roles: customer, staff, warehouse, carrier, admin.`,
  );
  process.exit(1);
}
const config = loadConfig();
// a customer token defaults to the first demo customer, so `npm run token` alone is useful
const subject = values.sub ?? (roles.includes('customer') ? DEMO_CUSTOMERS[0].id : `${roles[0]}-1`);
const token = await signToken({
  secret: config.jwtSecret,
  issuer: config.jwtIssuer,
  audience: config.jwtAudience,
  subject,
  roles: roles as Role[],
  expiresIn: values.expires,
  ...(values.carrier ? { carrierCode: values.carrier } : {}),
});
console.log(token);
