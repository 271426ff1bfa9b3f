"use client";

import Link from "next/link";
import { useCallback, useMemo, useRef, useState } from "react";
import { SwaggerDocs, sameOriginOnly, type SwaggerRequest } from "./swagger-docs";

export interface TryItApplication {
  id: string;
  name: string;
  team: { name: string };
}

export interface TryItProps {
  spec: object;
  slug: string;
  apiName: string;
  version: string;
  /** The gateway consumers call, e.g. http://localhost:8080 (GATEWAY_URL). */
  gatewayUrl: string;
  /** The viewer's applications with an ACTIVE subscription to this API. */
  applications: TryItApplication[];
  keyless: boolean;
  signedIn: boolean;
  /** Why this version cannot be tried (retired, or not released yet), or null. */
  notTryable: string | null;
}

const APPLICATION_HEADER = "x-portico-application";
const KEYLESS = "";

/**
 * The docs of one version, with try-it through the gateway. The document's
 * servers become the gateway's addresses, so the docs show consumers what to
 * call; "Execute" goes to Portico's own /api/try-it route instead (same
 * origin: no CORS), naming the application picked here, and Portico forwards
 * it to the gateway as that application.
 */
export function TryItDocs({ spec, slug, apiName, version, gatewayUrl, applications, keyless, signedIn, notTryable }: TryItProps) {
  const [applicationId, setApplicationId] = useState(applications[0]?.id ?? KEYLESS);
  // swagger-ui keeps the interceptor it was created with: it reads the current choice from here.
  const chosen = useRef(applicationId);
  const tryable = !notTryable && signedIn && (applications.length > 0 || keyless);
  const major = /^(\d+)\./.exec(version)?.[1];

  const servers = useMemo(
    () => [
      { url: `${gatewayUrl}/${slug}/${version}`, description: `Portico gateway: version ${version} exactly` },
      ...(major ? [{ url: `${gatewayUrl}/${slug}/v${major}`, description: `Portico gateway: the newest release of v${major}` }] : []),
    ],
    [gatewayUrl, slug, version, major],
  );
  // A new object would make swagger-ui reload the document and lose what the viewer typed.
  const shownSpec = useMemo(() => ({ ...spec, servers }), [spec, servers]);

  const throughPortico = useCallback(
    (request: SwaggerRequest) => {
      const prefix = `${gatewayUrl}/${slug}/`;
      if (!request.url.startsWith(prefix)) return sameOriginOnly(request);
      request.url = `${window.location.origin}/api/try-it/${slug}/${request.url.slice(prefix.length)}`;
      if (chosen.current) request.headers[APPLICATION_HEADER] = chosen.current;
      return request;
    },
    [gatewayUrl, slug],
  );

  return (
    <>
      <section aria-labelledby="try-it-heading" className="mb-4 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm">
        <h2 id="try-it-heading" className="font-semibold text-slate-900">Try it</h2>
        <p className="mt-1 text-slate-600">
          Consumers call <span className="font-mono text-slate-800">{servers[0].url}/…</span> with their key in <span className="font-mono">Authorization: Bearer</span> or <span className="font-mono">X-API-Key</span>.
        </p>
        {notTryable ? (
          <p className="mt-2 text-slate-700">{notTryable}</p>
        ) : !signedIn ? (
          <p className="mt-2 text-slate-700">
            <Link className="font-medium text-indigo-700 underline" href={`/signin?callbackUrl=${encodeURIComponent(`/apis/${slug}/docs?version=${version}`)}`}>Sign in</Link> to try operations with one of your applications.
          </p>
        ) : applications.length > 0 ? (
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <label htmlFor="try-it-application" className="font-medium text-slate-800">Try it with</label>
            <select
              id="try-it-application"
              value={applicationId}
              onChange={(event) => {
                chosen.current = event.target.value;
                setApplicationId(event.target.value);
              }}
              aria-describedby="try-it-hint"
              className="rounded-md border-0 bg-white py-1.5 pl-3 pr-8 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
            >
              {applications.map((application) => (
                <option key={application.id} value={application.id}>{application.name} ({application.team.name})</option>
              ))}
              {keyless ? <option value={KEYLESS}>No application (keyless)</option> : null}
            </select>
            <span id="try-it-hint" className="text-slate-600">
              Calls go through the gateway as this application and count against its plan. No key needed here: Portico vouches for you.
            </span>
          </div>
        ) : (
          <p className="mt-2 text-slate-700">
            None of your applications has an active subscription to {apiName}.{" "}
            <Link className="font-medium text-indigo-700 underline" href={`/apis/${slug}/access`}>Request access</Link> to try it with one
            {keyless ? <>; meanwhile this API is keyless, so you can try it without an application (limited per client address).</> : <>.</>}
          </p>
        )}
      </section>
      <div className="rounded-lg border border-slate-200 bg-white">
        <SwaggerDocs spec={shownSpec} requestInterceptor={tryable ? throughPortico : undefined} />
      </div>
    </>
  );
}
