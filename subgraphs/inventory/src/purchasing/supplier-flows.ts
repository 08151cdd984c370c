import { invalidInput, type Database } from '@ordergraph/shared';
import { createSuppliersRepository } from './suppliers.repository.js';
import {
  supplierNotFound,
  type CreateSupplierSuccessResult,
  type NewSupplier,
  type SetSupplierItemSuccessResult,
  type SupplierChanges,
  type SupplierItemTerms,
  type UpdateSupplierSuccessResult,
} from './suppliers.js';

/** Adds a supplier. */
export async function createSupplier(
  tx: Database,
  supplier: NewSupplier,
): Promise<CreateSupplierSuccessResult> {
  const row = await createSuppliersRepository({ db: tx }).insert(supplier);
  return { __typename: 'CreateSupplierSuccess', supplierId: row.id };
}

/**
 * Changes a supplier. Its currency changes only while nothing is priced in it yet: costs and
 * purchase orders keep the currency they were written in.
 */
export async function updateSupplier(
  tx: Database,
  { supplierId, changes }: { supplierId: string; changes: SupplierChanges },
) {
  const suppliers = createSuppliersRepository({ db: tx });
  const supplier = await suppliers.lock(supplierId);
  if (!supplier) return supplierNotFound(supplierId);
  if (
    changes.currencyCode !== undefined &&
    changes.currencyCode !== supplier.currencyCode &&
    (await suppliers.isInUse(supplierId))
  ) {
    return invalidInput(
      'currencyCode cannot change once the supplier has items or purchase orders.',
      'currencyCode',
    );
  }
  await suppliers.update(supplierId, changes);
  return { __typename: 'UpdateSupplierSuccess', supplierId } satisfies UpdateSupplierSuccessResult;
}

/** Records a supplier's terms for a SKU, in the supplier's currency. */
export async function setSupplierItem(tx: Database, terms: SupplierItemTerms) {
  const suppliers = createSuppliersRepository({ db: tx });
  // locked so that a currency change cannot slip in between the check and the write
  const supplier = await suppliers.lock(terms.supplierId);
  if (!supplier) return supplierNotFound(terms.supplierId);
  if (terms.currencyCode !== supplier.currencyCode) {
    return invalidInput(
      `unitCost must be in the supplier's currency, ${supplier.currencyCode}.`,
      'unitCost.currencyCode',
    );
  }
  await suppliers.saveItem(terms);
  return {
    __typename: 'SetSupplierItemSuccess',
    supplierId: terms.supplierId,
    sku: terms.sku,
  } satisfies SetSupplierItemSuccessResult;
}
