import { forbidden, hasRole, type Viewer } from '@ordergraph/shared';

// staff buy; the warehouse receives what was bought (and may read purchase orders to do so)

export const requireBuyer = (viewer: Viewer) => {
  if (!hasRole(viewer, 'staff', 'admin')) throw forbidden('Only staff may buy stock.');
};

export const requireReceiver = (viewer: Viewer) => {
  if (!hasRole(viewer, 'staff', 'admin', 'warehouse')) {
    throw forbidden('Only staff or warehouse workers may receive purchase orders.');
  }
};

export const requirePurchaseOrderReader = (viewer: Viewer) => {
  if (!hasRole(viewer, 'staff', 'admin', 'warehouse')) {
    throw forbidden('Only staff or warehouse workers may read purchase orders.');
  }
};
