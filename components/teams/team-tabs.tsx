"use client";

import { usePathname } from "next/navigation";
import { Tabs } from "@/components/ui/layout";

export function TeamTabs({ tabs }: { tabs: { href: string; label: string }[] }) {
  return <Tabs tabs={tabs} current={usePathname()} />;
}
