// Jest's module system loads CommonJS only; kysely (0.29) ships ES modules only, which Node itself requires fine.
// This transform turns those files into CommonJS for the tests (esbuild, already a dependency of the service).
const { transformSync } = require('esbuild');

module.exports = {
  process(source, file) {
    const { code, map } = transformSync(source, {
      format: 'cjs',
      loader: 'js',
      sourcefile: file,
      sourcemap: true,
    });
    return { code, map };
  },
};
