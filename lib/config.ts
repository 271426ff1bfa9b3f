/** The public base URL people reach Portico at, for links in emails and invitations. */
export function appUrl(): string {
  const url = process.env.PORTICO_URL ?? process.env.NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  return url.replace(/\/$/, "");
}
