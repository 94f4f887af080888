// `import lab from '@site/labs/<lab>/lab.yaml?lab'` (src/plugins/lab-data.ts) gives the validated lab.
declare module '*?lab' {
  const lab: import('../lab/schema').LabFile;
  export default lab;
}
