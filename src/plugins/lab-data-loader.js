/**
 * The module behind `import lab from '.../lab.yaml?lab'`: the lab the lab-data plugin
 * (src/plugins/lab-data.ts) read and validated, as a JSON object.
 */
module.exports = function labDataLoader() {
  const {labs} = this.getOptions();
  const lab = labs[this.resourcePath];
  if (!lab) {
    throw new Error(`${this.resourcePath}: not a lab the lab-data plugin read (labs/<lab>/lab.yaml)`);
  }
  return `export default ${JSON.stringify(lab)};`;
};
