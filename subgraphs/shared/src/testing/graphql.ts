import { DEVELOPMENT_SIGNING_SECRET } from '../config.js';
import { signViewer, type Role, type Viewer } from '../identity.js';

export const TEST_SIGNING_SECRET = DEVELOPMENT_SIGNING_SECRET;

export interface GraphQLResponse<TData = Record<string, any>> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export const viewers = {
  anonymous: (): Viewer => ({ subject: null, roles: [] }),
  customer: (id: string): Viewer => ({ subject: id, roles: ['customer'] }),
  staff: (): Viewer => ({ subject: 'staff-1', roles: ['staff'] }),
  warehouse: (): Viewer => ({ subject: 'warehouse-1', roles: ['warehouse'] }),
  carrier: (carrierCode: string): Viewer => ({
    subject: `carrier-${carrierCode}`,
    roles: ['carrier'],
    carrierCode,
  }),
  service: (name = 'test'): Viewer => ({ subject: name, roles: ['service'] }),
  withRoles: (subject: string, roles: Role[]): Viewer => ({ subject, roles }),
};

/**
 * Posts an operation to a subgraph as the router would: signed for `viewer`
 * (pass `viewer: null` to send no signature at all).
 */
export async function subgraphRequest<TData = Record<string, any>>(
  url: string,
  {
    query,
    variables,
    viewer = viewers.anonymous(),
    secret = TEST_SIGNING_SECRET,
  }: {
    query: string;
    variables?: Record<string, unknown>;
    viewer?: Viewer | null;
    secret?: string;
  },
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(viewer ? signViewer(viewer, { secret }) : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: response.status, ...body };
}
