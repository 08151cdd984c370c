import { and, asc, eq, exists, ilike, or, sql, type SQL } from 'drizzle-orm';
import { isUniqueViolation, isUuid, type Database, anyOf } from '@ordergraph/shared';
import type { NewProduct, NewVariant } from './catalog.js';
import { products, productVariants, type ProductRow, type VariantRow } from './db/schema.js';

export class SkuTakenError extends Error {
  constructor(readonly sku: string) {
    super(`Another variant already has the SKU ${sku}.`);
  }
}

/** keyset position in the name-ordered product list */
export interface ProductCursor {
  name: string;
  id: string;
}

export const isProductCursor = (value: unknown): value is ProductCursor =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ProductCursor).name === 'string' &&
  typeof (value as ProductCursor).id === 'string' &&
  isUuid((value as ProductCursor).id);

// byte-wise order of the lower-cased name: the same on every server, whatever its locale
const sortName = sql`lower(${products.name}) collate "C"`;

const escapeLike = (text: string) => text.replaceAll(/[\\%_]/g, (c) => `\\${c}`);

/** the SKU in a unique-violation message: `Key (sku)=(TEE-1) already exists.` */
function takenSku(error: unknown, fallback: string): string {
  const candidate = error as { detail?: unknown; cause?: { detail?: unknown } };
  const detail = candidate.detail ?? candidate.cause?.detail;
  const match = typeof detail === 'string' ? /\(sku\)=\((.*)\)/.exec(detail) : null;
  return match?.[1] ?? fallback;
}

/** The catalog's product and variant SQL, as plain functions over `db` (a transaction works too). */
export function createCatalogRepository({ db }: { db: Database }) {
  return {
    async findProductsByIds(ids: readonly string[]): Promise<ProductRow[]> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      return db.select().from(products).where(anyOf(products.id, valid));
    },

    /** SKUs are stored upper-case; callers normalise before asking */
    async findVariantsBySkus(skus: readonly string[]): Promise<VariantRow[]> {
      if (skus.length === 0) return [];
      return db
        .select()
        .from(productVariants)
        .where(anyOf(productVariants.sku, [...skus]));
    },

    async findVariantsByProductIds(productIds: readonly string[]): Promise<VariantRow[]> {
      const valid = productIds.filter(isUuid);
      if (valid.length === 0) return [];
      return db
        .select()
        .from(productVariants)
        .where(anyOf(productVariants.productId, valid))
        .orderBy(asc(productVariants.productId), asc(productVariants.position));
    },

    /** name order; fetches `limit` rows after the cursor */
    async listProducts({
      limit,
      after,
      search,
      category,
    }: {
      limit: number;
      after: ProductCursor | null;
      search?: string | null;
      category?: string | null;
    }): Promise<ProductRow[]> {
      const conditions: (SQL | undefined)[] = [];
      if (search?.trim()) {
        const pattern = `%${escapeLike(search.trim())}%`;
        conditions.push(
          or(
            ilike(products.name, pattern),
            ilike(products.description, pattern),
            exists(
              db
                .select({ one: sql`1` })
                .from(productVariants)
                .where(
                  and(
                    eq(productVariants.productId, products.id),
                    ilike(productVariants.sku, pattern),
                  ),
                ),
            ),
          ),
        );
      }
      if (category?.trim()) {
        conditions.push(sql`lower(${products.category}) = ${category.trim().toLowerCase()}`);
      }
      if (after) {
        const afterName = sql`lower(${after.name}) collate "C"`;
        conditions.push(
          sql`(${sortName} > ${afterName} or (${sortName} = ${afterName} and ${products.id} > ${after.id}))`,
        );
      }
      return db
        .select()
        .from(products)
        .where(and(...conditions))
        .orderBy(sortName, asc(products.id))
        .limit(limit);
    },

    /** the distinct categories, alphabetically (case-insensitive) */
    async listCategories(): Promise<string[]> {
      const rows = await db
        .selectDistinct({ category: products.category })
        .from(products)
        .where(sql`${products.category} is not null`);
      return rows
        .map((row) => row.category!)
        .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'));
    },

    /** inserts a product and its variants (active unless told otherwise); a taken SKU is a SkuTakenError */
    async insertProduct({
      variants,
      ...values
    }: Omit<NewProduct, 'variants'> & {
      id?: string;
      variants: (NewVariant & { active?: boolean })[];
    }): Promise<ProductRow> {
      try {
        // one unit, so a taken SKU never leaves a product without variants behind
        return await db.transaction(async (tx) => {
          const [row] = await tx.insert(products).values(values).returning();
          await tx
            .insert(productVariants)
            .values(
              variants.map((variant, position) => ({ ...variant, productId: row!.id, position })),
            );
          return row!;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new SkuTakenError(takenSku(error, variants[0]!.sku));
        throw error;
      }
    },
  };
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
