"use client";

import { useEffect, useRef, useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

/** Search as you type: the query goes into the URL (replace, so Back leaves the catalog), page resets to 1. */
export function SearchBox({ initial }: { initial: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [value, setValue] = useState(initial);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  function update(next: string) {
    setValue(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const query = new URLSearchParams(params.toString());
      if (next.trim()) query.set("q", next.trim());
      else query.delete("q");
      query.delete("page");
      router.replace(`${pathname}?${query.toString()}`, { scroll: false });
    }, 200);
  }

  return (
    <form role="search" action={pathname} method="get" onSubmit={(event) => { event.preventDefault(); update(value); }}>
      <label htmlFor="catalog-search" className="sr-only">Search APIs and operations</label>
      <input
        id="catalog-search"
        name="q"
        type="search"
        value={value}
        onChange={(event) => update(event.target.value)}
        placeholder="Search APIs, tags and operations (e.g. “refund a charge”)"
        autoComplete="off"
        className="block w-full rounded-lg border-0 bg-white px-4 py-3 text-base shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600"
      />
    </form>
  );
}
