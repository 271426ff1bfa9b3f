import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { PrismaAdapter } from "@next-auth/prisma-adapter";
import { z } from "zod";
import { db } from "@/lib/db";
import { authenticateWithPassword } from "@/lib/users/credentials";
import { promoteIfFirstUser } from "@/lib/users/first-admin";
import { recordAudit } from "@/lib/audit/record";

const credentialsInput = z.object({ email: z.string().trim().toLowerCase().email(), password: z.string().min(1) });

/** Sign-in providers: email and password always; GitHub and OIDC when configured. */
export function configuredProviders(): Provider[] {
  const providers: Provider[] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        const user = await authenticateWithPassword(parsed.data.email, parsed.data.password);
        return user ? { id: user.id, email: user.email, name: user.name } : null;
      },
    }),
  ];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: process.env.GITHUB_ID, clientSecret: process.env.GITHUB_SECRET }));
  }
  if (process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID && process.env.OIDC_CLIENT_SECRET) {
    providers.push({
      id: "oidc",
      name: process.env.OIDC_NAME ?? "Single sign-on",
      type: "oauth",
      wellKnown: `${process.env.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: process.env.OIDC_CLIENT_ID,
      clientSecret: process.env.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: { sub: string; email: string; name?: string; picture?: string }) {
        return { id: profile.sub, email: profile.email.toLowerCase(), name: profile.name ?? null, image: profile.picture ?? null };
      },
    });
  }
  return providers;
}

export const authOptions: NextAuthOptions = {
  // The adapter stores OAuth/OIDC users and accounts; sessions are JWTs so
  // the credentials provider works too.
  adapter: PrismaAdapter(db as never),
  session: { strategy: "jwt", maxAge: 60 * 60 * 24 * 14 },
  pages: { signIn: "/signin" },
  providers: configuredProviders(),
  callbacks: {
    async jwt({ token, user }) {
      if (user) token.sub = user.id;
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
      return session;
    },
  },
  events: {
    async createUser({ user }) {
      // Users created through GitHub/OIDC: the first one administers the platform.
      await promoteIfFirstUser(user.id);
      await recordAudit(db, {
        actor: { userId: user.id, email: user.email ?? null, requestId: null },
        action: "user.signed_up",
        target: { type: "user", id: user.id },
        after: { email: user.email, via: "oauth" },
      });
    },
  },
};

export function oauthProviderIds(): { id: string; name: string }[] {
  return configuredProviders()
    .filter((provider) => provider.id !== "credentials")
    .map((provider) => ({ id: provider.id, name: provider.name }));
}
