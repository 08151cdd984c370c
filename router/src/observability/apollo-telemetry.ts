/**
 * `@apollo/gateway` sends anonymous usage metrics to Apollo by default, and first probes the
 * cloud metadata services (169.254.169.254 and friends) to describe the host. The router keeps
 * that off unless the operator opts in (ROUTER_APOLLO_USAGE_TELEMETRY=true): it must run before
 * a gateway is constructed, since the gateway reads this variable in its constructor.
 */
export function applyApolloUsageTelemetry({ optedIn }: { optedIn: boolean }): void {
  if (optedIn) delete process.env['APOLLO_TELEMETRY_DISABLED'];
  else process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
}
