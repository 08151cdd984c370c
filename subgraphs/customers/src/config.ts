import { z } from 'zod';
import { readSubgraphConfig } from '@ordergraph/shared';
import { parseSmtpUrl } from './senders.js';

const smtpUrl = z
  .string()
  .optional()
  .superRefine((value, context) => {
    if (!value) return;
    try {
      parseSmtpUrl(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

// "shop@example.com" or "Shop <shop@example.com>"
const sender = /^(?:[^<>@]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

/** The customers service's settings, read once from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = readSubgraphConfig({
    name: 'customers',
    defaultPort: 4001,
    env,
    extra: {
      ORDERS_URL: z.url().default('http://127.0.0.1:4003/graphql'),
      SHIPMENTS_URL: z.url().default('http://127.0.0.1:4005/graphql'),
      SMTP_URL: smtpUrl,
      SMTP_FROM: z
        .string()
        .regex(sender, 'must be an e-mail address, optionally as "Name <address>"')
        .optional(),
    },
  });
  if (config.SMTP_URL && !config.SMTP_FROM) {
    throw new Error('Invalid configuration:\n  SMTP_FROM: required when SMTP_URL is set');
  }
  return config;
}
