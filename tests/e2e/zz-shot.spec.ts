import {test} from '@playwright/test';
const shots = (process.env.SHOTS ?? '').split(',');
for (const s of shots) {
  const [path, w, scheme, y, h] = s.split('|');
  test(`shot ${s}`, async ({page}) => {
    await page.emulateMedia({colorScheme: scheme as 'dark' | 'light'});
    await page.setViewportSize({width: Number(w), height: 900});
    await page.goto(path, {waitUntil: 'networkidle'});
    await page.screenshot({path: `/tmp/shot-${path.replace(/\W/g, '_')}-${w}-${scheme}-${y}.png`, clip: {x: 0, y: Number(y), width: Number(w), height: Number(h)}, fullPage: true});
  });
}
