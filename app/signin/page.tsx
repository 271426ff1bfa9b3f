import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getSessionActor } from "@/lib/auth/session";
import { oauthProviderIds } from "@/lib/auth/options";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSessionActor()) redirect(callbackUrl);
  return (
    <AuthCard
      title="Sign in to Portico"
      subtitle="Your organisation's APIs, access and keys."
      footer={
        <>
          New here?{" "}
          <Link href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`} className="font-medium text-indigo-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm callbackUrl={callbackUrl} providers={oauthProviderIds()} />
    </AuthCard>
  );
}
