/**
 * Whether an API takes calls without a key: its team turned keyless on, and
 * only a PUBLIC API may be (the settings refuse it otherwise, and an API made
 * PRIVATE later stops being keyless). Shared by Portico and the gateway.
 */
export function isKeyless(api: { keyless: boolean; visibility: string }): boolean {
  return api.keyless && api.visibility === "PUBLIC";
}
