'use strict';
const { snapshot } = require('./snapshot');

/** Remembers what the test namespace holds before the run (see global-teardown.js). */
module.exports = async function globalSetup() {
  globalThis.__leadstageLeftoversBefore = await snapshot();
};
