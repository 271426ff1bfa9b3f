import { ButtonLink } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <section className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-amber-700">403</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">You do not have access</h1>
      <p className="mt-2 text-slate-600">Your role does not allow this page. A team owner or platform admin can change your role.</p>
      <div className="mt-6"><ButtonLink href="/" variant="secondary">Back to Portico</ButtonLink></div>
    </section>
  );
}
