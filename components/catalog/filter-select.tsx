"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";

/** A filter or sort choice kept in the URL (push, so Back undoes it). */
export function FilterSelect({ name, label, value, options, emptyLabel }: { name: string; label: string; value?: string; options: { value: string; label: string }[]; emptyLabel?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const id = `filter-${name}`;
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-700">{label}</label>
      <select
        id={id}
        value={value ?? ""}
        onChange={(event) => {
          const query = new URLSearchParams(params.toString());
          if (event.target.value) query.set(name, event.target.value);
          else query.delete(name);
          query.delete("page");
          router.push(`${pathname}?${query.toString()}`, { scroll: false });
        }}
        className="block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm shadow-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>{option.label}</option>
        ))}
      </select>
    </div>
  );
}
