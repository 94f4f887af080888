/**
 * The progress page, `/progress`: this plugin gives it the course's outline (src/progress/outline.ts),
 * built from the docs plugin's sidebar and titles and the lab-data plugin's labs once every plugin
 * has loaded its content, as a JSON module of that page only.
 */
const {require: requireTs} = require('tsx/cjs/api');
const {courseOutline} = requireTs('../progress/outline.ts', __filename);

/** The sidebar the course lives in (sidebars.ts). */
const SIDEBAR = 'course';

module.exports = function progressPlugin() {
  return {
    name: 'progress',
    async allContentLoaded({allContent, actions}) {
      const version = allContent['docusaurus-plugin-content-docs'].default.loadedVersions[0];
      const labs = Object.values(allContent['lab-data'].default);
      const outline = courseOutline(version.sidebars[SIDEBAR], version.docs, labs);
      const course = await actions.createData('course.json', JSON.stringify(outline));
      actions.addRoute({path: '/progress', component: '@site/src/components/ProgressPage', modules: {course}, exact: true});
    },
  };
};
