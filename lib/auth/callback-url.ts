/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeCallbackUrl(value: string | string[] | undefined | null, fallback = "/"): string {
  const url = Array.isArray(value) ? value[0] : value;
  if (!url || !url.startsWith("/") || url.startsWith("//") || url.startsWith("/\\")) return fallback;
  return url;
}
