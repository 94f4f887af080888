// `import text from '@site/labs/<lab>/<file>.yaml?raw'` (src/plugins/raw-source.js) gives the file's text.
declare module '*?raw' {
  const text: string;
  export default text;
}
