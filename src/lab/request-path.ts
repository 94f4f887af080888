/** Path and query of a probe URL, as curl sends them on the request line: `/v1/request-landing`. */
export function requestPath(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.pathname}${parsed.search}`;
}
