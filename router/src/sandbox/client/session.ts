/// <reference lib="dom" />
// who the sandbox is signed in as: the sign-in panel writes it, the toolbar badge reads it

export interface SignedIn {
  label: string;
  subject: string;
}

let current: SignedIn | null = null;
const listeners = new Set<() => void>();

export const session = {
  get: (): SignedIn | null => current,
  set(next: SignedIn | null) {
    current = next;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** Mints a development token for a demo identity at the router. */
export async function signIn(identity: string): Promise<{ token: string; identity: SignedIn }> {
  const response = await fetch('/sandbox/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
  const body = await response.json();
  if (!response.ok)
    throw new Error(body.errors?.[0]?.message ?? `sign-in failed (${response.status})`);
  return body;
}
