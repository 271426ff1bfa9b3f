import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import rehypeSanitize from "rehype-sanitize";

/**
 * Markdown written by other teams. Raw HTML is not rendered at all, the HTML
 * that markdown produces is sanitised, and links to anything but http(s) and
 * mailto are dropped (react-markdown's URL transform), so nothing in it runs.
 */
export function Markdown({ children }: { children: string }) {
  return (
    <div className="prose-portico">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[rehypeSanitize]}
        components={{ a: ({ href, children: text }) => <a href={href} rel="noopener noreferrer nofollow" className="text-indigo-700 underline">{text}</a> }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
