import { defineConfig } from 'drizzle-kit';

// the shared tables alone, migrated into the shared library's own test databases
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/tables.ts',
  out: './test/drizzle',
});
