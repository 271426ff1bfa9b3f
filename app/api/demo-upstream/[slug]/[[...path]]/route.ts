// The demo organisation's APIs have no real services behind them, so the
// demo seed points their versions here: an echo that shows what the gateway
// forwarded (method, path, query, the consumer headers it added). Real APIs
// point at their own upstreams.
const CONSUMER_HEADERS = ["x-portico-application-id", "x-portico-team-id", "x-portico-api", "x-portico-version", "x-request-id"];

async function echo(request: Request, { params }: { params: Promise<{ slug: string; path?: string[] }> }) {
  const { slug, path = [] } = await params;
  const url = new URL(request.url);
  const body = request.method === "GET" || request.method === "HEAD" ? "" : (await request.text()).slice(0, 10_000);
  return Response.json(
    {
      demo: `This is Portico's demo upstream for ${slug}: a real API would answer here.`,
      method: request.method,
      path: `/${path.join("/")}`,
      query: Object.fromEntries(url.searchParams),
      forwardedByGateway: Object.fromEntries(CONSUMER_HEADERS.map((name) => [name, request.headers.get(name)])),
      body: body || null,
    },
    { headers: { "cache-control": "no-store" } },
  );
}

export const GET = echo;
export const POST = echo;
export const PUT = echo;
export const PATCH = echo;
export const DELETE = echo;
