/** The sandbox's HTML: the bundle's stamp in the asset URLs, so a rebuilt bundle is never cached. */
export function sandboxPage(stamp: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>ordergraph sandbox</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/sandbox/sandbox.css?v=${stamp}" />
    <style>
      html, body, #sandbox { height: 100%; margin: 0; }
    </style>
  </head>
  <body>
    <div id="sandbox"></div>
    <script type="module" src="/sandbox/sandbox.js?v=${stamp}"></script>
  </body>
</html>
`;
}

/** Shown at `/` when the bundle could not be built (esbuild missing, a build error). */
export function unavailablePage(reason: string): string {
  const escaped = reason.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>ordergraph sandbox</title></head>
  <body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
    <h1>The sandbox is not built</h1>
    <p>Run <code>npm run build -w @ordergraph/router</code> and reload.</p>
    <pre>${escaped}</pre>
    <p>The GraphQL endpoint is <a href="/graphql">/graphql</a>.</p>
  </body>
</html>
`;
}
