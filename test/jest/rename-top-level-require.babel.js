'use strict';
/**
 * ES modules may declare their own `const require = createRequire(import.meta.url)`; once
 * compiled to CommonJS that binding would shadow the module's real `require`. Rename it.
 */
module.exports = function renameTopLevelRequire() {
  return {
    name: 'rename-top-level-require',
    visitor: {
      Program(path) {
        if (path.scope.hasOwnBinding('require')) path.scope.rename('require', '_esmRequire');
      },
    },
  };
};
