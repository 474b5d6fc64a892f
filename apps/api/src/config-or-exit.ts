import { AppConfig, ConfigValidationError, configureLogger } from '@app/core';

/** Boot-time config: a bad or missing value stops startup with a message naming the variable. */
export function loadConfigOrExit(): AppConfig {
  try {
    const config = new AppConfig();
    configureLogger(config.env.LOG_LEVEL);
    return config;
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
