"use client";

import { useRouter } from "next/navigation";

export function VersionPicker({ slug, current, versions }: { slug: string; current: string; versions: { version: string; state: string }[] }) {
  const router = useRouter();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="version-picker" className="text-sm font-medium text-slate-700">Version</label>
      <select
        id="version-picker"
        value={current}
        onChange={(event) => router.push(`/apis/${slug}/docs?version=${encodeURIComponent(event.target.value)}`)}
        className="rounded-md border-0 bg-white py-1.5 pl-2.5 pr-8 text-sm shadow-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      >
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            {v.version} ({v.state.toLowerCase().replace("_", " ")})
          </option>
        ))}
      </select>
    </div>
  );
}
