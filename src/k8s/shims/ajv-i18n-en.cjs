// Build-time stand-in for `ajv-i18n` inside the bundled kubernetes-models validator: it only
// ever calls `.en(errors)`, so the other twenty locales need not be bundled and compiled.
"use strict";
module.exports = { en: require("ajv-i18n/localize/en") };
