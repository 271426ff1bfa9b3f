"use client";

import dynamic from "next/dynamic";
import { useCallback, useEffect } from "react";
import "swagger-ui-react/swagger-ui.css";

// swagger-ui is large: loaded only on the docs page, in the browser.
const SwaggerUI = dynamic(() => import("swagger-ui-react"), { ssr: false, loading: () => <p className="p-4 text-sm text-slate-500">Loading the documentation…</p> });

/**
 * Only Portico's own origin may be fetched while rendering a document: an
 * external $ref or a server URL in someone's spec must not make the viewer's
 * browser call another host.
 */
export function sameOriginOnly<R extends { url: string }>(request: R): R {
  const target = new URL(request.url, window.location.href);
  if (target.origin !== window.location.origin) request.url = "about:blank";
  return request;
}

export interface SwaggerRequest {
  url: string;
  method?: string;
  headers: Record<string, string>;
}

type Method = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";
const ALL_METHODS: Method[] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// Deep links use swagger-ui's scheme, "#/<tag>/<operationId>", whose element
// id is "operations-<tag>-<operationId>". swagger-ui's own deep linking nests a
// link inside each operation's button (an accessibility fault), so Portico
// opens and scrolls to the operation itself, and writes the hash on expand.
const elementIdOf = (hash: string) => {
  const [tag, operationId] = decodeURIComponent(hash.replace(/^#\/?/, "")).split("/");
  return tag && operationId ? `operations-${tag.replace(/\s/g, "_")}-${operationId}` : null;
};

function openOperationFromHash(attempt = 0) {
  const id = elementIdOf(window.location.hash);
  if (!id) return;
  const element = document.getElementById(id);
  if (!element) {
    if (attempt < 40) setTimeout(() => openOperationFromHash(attempt + 1), 50);
    return;
  }
  if (!element.classList.contains("is-open")) element.querySelector<HTMLButtonElement>("button.opblock-summary-control")?.click();
  element.scrollIntoView({ block: "start" });
  element.querySelector<HTMLButtonElement>("button.opblock-summary-control")?.focus({ preventScroll: true });
}

/**
 * swagger-ui for one document. Without `requestInterceptor` nothing can be
 * tried and only same-origin fetches are made; with it, "Try it out" sends
 * every request through the interceptor, which must keep that rule.
 */
export function SwaggerDocs({ spec, requestInterceptor }: { spec: object; requestInterceptor?: (request: SwaggerRequest) => SwaggerRequest }) {
  const onComplete = useCallback(() => openOperationFromHash(), []);

  useEffect(() => {
    const rememberOperation = (event: MouseEvent) => {
      const block = (event.target as HTMLElement).closest<HTMLElement>(".opblock[id^='operations-']");
      if (!block || !(event.target as HTMLElement).closest(".opblock-summary-control")) return;
      const [, tag, ...rest] = block.id.split("-");
      history.replaceState(null, "", `#/${tag}/${rest.join("-")}`);
    };
    const onHashChange = () => openOperationFromHash();
    document.addEventListener("click", rememberOperation);
    window.addEventListener("hashchange", onHashChange);
    return () => {
      document.removeEventListener("click", rememberOperation);
      window.removeEventListener("hashchange", onHashChange);
    };
  }, []);

  return (
    <div className="swagger-portico">
      <SwaggerUI
        spec={spec}
        onComplete={onComplete}
        docExpansion="list"
        defaultModelsExpandDepth={0}
        supportedSubmitMethods={requestInterceptor ? ALL_METHODS : []}
        requestInterceptor={(requestInterceptor ?? sameOriginOnly) as never}
        // The request URL and curl shown are the ones a consumer would send to the gateway, not Portico's try-it route.
        showMutatedRequest={false}
        tryItOutEnabled={false}
      />
    </div>
  );
}
