// mints a development JWT: npm run token -- --role customer --sub <customer id>
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@ordergraph/shared';
import { signToken } from '../router/src/auth.js';
import { loadConfig } from '../router/src/config.js';
import { DEMO_CUSTOMERS } from '../subgraphs/customers/src/seed.js';

const USAGE = `Mints a token for the router's development secret (or AUTH_JWT_SECRET when set) and
prints it, for the Authorization header: Bearer <token>.

Usage: npm run --silent token -- [options]

Options:
  --role <role>       customer (default), staff, warehouse, carrier or admin; repeat the flag
                      or separate with commas for several roles
  --sub <id>          the subject: for a customer, the customer id (default: the first demo
                      customer, Ada Lovelace, ${DEMO_CUSTOMERS[0].id});
                      for other roles, any name (default: <role>-1)
  --carrier <code>    for the carrier role: the carrier it acts for (e.g. ups)
  --expires <time>    lifetime: seconds, or a number with s, m, h or d (default: 12h)
  -h, --help          this text

Demo customers (--sub):
${DEMO_CUSTOMERS.map((customer) => `  ${customer.id}  ${customer.name}`).join('\n')}

Examples:
  npm run --silent token
  npm run --silent token -- --role warehouse
  npm run --silent token -- --role carrier --carrier ups --expires 30m`;

const fail = (message: string): never => {
  console.error(`${message}\nThe options: npm run token -- --help`);
  process.exit(1);
};

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        role: { type: 'string', multiple: true, default: ['customer'] },
        sub: { type: 'string' },
        carrier: { type: 'string' },
        expires: { type: 'string', default: '12h' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const roles = values.role.flatMap((role) => role.split(','));
const unknown = roles.filter(
  (role) => !(ROLES as readonly string[]).includes(role) || role === 'service',
);
if (unknown.length > 0) {
  fail(
    `Unknown role(s): ${unknown.join(', ')}. Roles: customer, staff, warehouse, carrier, admin.`,
  );
}
const config = loadConfig();
// a customer token defaults to the first demo customer, so `npm run token` alone is useful
const subject = values.sub ?? (roles.includes('customer') ? DEMO_CUSTOMERS[0].id : `${roles[0]}-1`);
// a bare number is seconds
const expiresIn = /^\d+$/.test(values.expires) ? `${values.expires}s` : values.expires;
const token = await signToken({
  secret: config.jwtSecret,
  issuer: config.jwtIssuer,
  audience: config.jwtAudience,
  subject,
  roles: roles as Role[],
  expiresIn,
  ...(values.carrier ? { carrierCode: values.carrier } : {}),
}).catch(() =>
  fail(`--expires ${values.expires}: give seconds, or a number with s, m, h or d (e.g. 30m).`),
);
console.log(token);
