import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

export default defineConfig({
  // The site's components import each other as @site/... (Docusaurus's alias for the repository
  // root); the same here lets a test render them on the server without a browser.
  resolve: {alias: {'@site': fileURLToPath(new URL('.', import.meta.url))}},
  // tsconfig keeps JSX for Docusaurus's own compiler; the tests compile it with React's runtime.
  oxc: {jsx: {runtime: 'automatic'}},
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    globalSetup: ['tests/global-setup.ts'],
  },
});
