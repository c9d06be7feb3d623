// Runs every benchmark in bench/ in turn. Each prints its own ratios against the reference tools.
import * as fs from 'fs';
import * as path from 'path';

for (const name of ['kustomize', 'values', 'lsp', 'template']) {
  const file = path.join(__dirname, `${name}.js`);
  if (fs.existsSync(file)) {
    console.log(`\n== bench/${name}`);
    require(file);
  }
}
