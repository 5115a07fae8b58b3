/** package.json's version, as a constant so the trainer stays free of Node APIs (test/training checks they agree). */
export const PAIRNET_VERSION = '0.1.0';
